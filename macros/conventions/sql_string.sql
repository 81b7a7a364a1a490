{#- A value as a SQL string literal: quotes doubled, so text from a variable or the
    contract can never end the literal and become SQL. -#}
{% macro sql_string(value) -%}
    '{{ (value | string) | replace("'", "''") }}'
{%- endmacro %}


{#- var('reporting_currency'), checked: three letters (ISO 4217 shape), upper case. -#}
{% macro reporting_currency() %}
    {%- set code = (var('reporting_currency', 'USD') | string | trim | upper) -%}
    {%- if not modules.re.fullmatch('[A-Z]{3}', code) -%}
        {{ exceptions.raise_compiler_error(
            "var reporting_currency must be an ISO 4217 code such as USD or EUR, got " ~ (var('reporting_currency') | string)) }}
    {%- endif -%}
    {{ return(code) }}
{% endmacro %}


{#- A quarantine share from var dq_max_quarantined_share(_by_table), checked: a number
    from 0 to 1, so a variable can never become SQL. -#}
{% macro quarantine_share_limit(value) %}
    {%- set number = value | float(-1) -%}
    {%- if (value | string | trim) == '' or number < 0 or number > 1 -%}
        {{ exceptions.raise_compiler_error(
            "dq_max_quarantined_share(_by_table) must be a number from 0 to 1, got " ~ (value | string)) }}
    {%- endif -%}
    {{ return(number) }}
{% endmacro %}
