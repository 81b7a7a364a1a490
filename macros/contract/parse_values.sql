{#- Parsing raw text into the contract's types. Each returns NULL for an empty or
    unparseable value; the data-quality checks report those rows instead of failing
    the whole build on the first bad cell. -#}

{#- Empty strings and whitespace are NULL in every raw column. -#}
{% macro clean_text(column) -%}
    nullif(trim({{ column }}), '')
{%- endmacro %}

{#- Enumerations and codes are compared in lower case. -#}
{% macro parse_enum(column) -%}
    lower({{ clean_text(column) }})
{%- endmacro %}

{#- ISO 4217 codes are upper case. -#}
{% macro parse_currency(column) -%}
    upper({{ clean_text(column) }})
{%- endmacro %}

{#- true/false, 1/0, yes/no (any case), as the contract allows; anything else is NULL. -#}
{% macro parse_boolean(column) -%}
    case
        when lower({{ clean_text(column) }}) in ('true', '1', 'yes') then true
        when lower({{ clean_text(column) }}) in ('false', '0', 'no') then false
    end
{%- endmacro %}

{% macro parse_money(column) -%}
    {{ return(adapter.dispatch('parse_money', 'revops')(column)) }}
{%- endmacro %}

{% macro default__parse_money(column) -%}
    {{ try_cast(finite_number_text(column), dbt.type_numeric()) }}
{%- endmacro %}

{% macro parse_number(column) -%}
    {{ try_cast(finite_number_text(column), type_double()) }}
{%- endmacro %}

{#- A whole number: 2.6 is not one (a plain cast would round it to 3). -#}
{% macro parse_integer(column) -%}
    case
        when {{ parse_number(column) }} = floor({{ parse_number(column) }})
            then {{ try_cast(parse_number(column), dbt.type_bigint()) }}
    end
{%- endmacro %}

{#- The cleaned text of a number, NULL for NaN and the infinities: engines parse them
    as floats, but no amount, rate or probability is one. -#}
{% macro finite_number_text(column) -%}
    case
        when lower({{ clean_text(column) }}) not in (
            'nan', '+nan', '-nan', 'inf', '+inf', '-inf', 'infinity', '+infinity', '-infinity'
        ) then {{ clean_text(column) }}
    end
{%- endmacro %}

{#- A date; a full timestamp is accepted and cut to its UTC date. -#}
{% macro parse_date(column) -%}
    cast({{ parse_timestamp(column) }} as date)
{%- endmacro %}

{#- ISO 8601 with or without an offset; without one it is UTC. Returns a timestamp
    without time zone, in UTC. -#}
{% macro parse_timestamp(column) -%}
    {{ return(adapter.dispatch('parse_timestamp', 'revops')(column)) }}
{%- endmacro %}

{% macro default__parse_timestamp(column) -%}
    cast(cast({{ clean_text(column) }} as timestamp with time zone) at time zone 'UTC' as timestamp)
{%- endmacro %}

{#- A cast that gives NULL instead of an error where the engine can (dbt's own
    safe_cast is a plain cast on DuckDB). -#}
{% macro try_cast(expression, data_type) -%}
    {{ return(adapter.dispatch('try_cast', 'revops')(expression, data_type)) }}
{%- endmacro %}

{% macro default__try_cast(expression, data_type) -%}
    {{ dbt.safe_cast(expression, data_type) }}
{%- endmacro %}

{#- Exchange rates keep ten decimals: money times a rate stays exact decimal arithmetic,
    so a converted amount is the same on every engine and every run. -#}
{% macro type_rate() -%}
    {{ return(api.Column.numeric_type("numeric", 28, 10)) }}
{%- endmacro %}

{% macro parse_rate(column) -%}
    {{ try_cast(clean_text(column), type_rate()) }}
{%- endmacro %}

{#- An 8-byte float everywhere (DuckDB's `float` is 4 bytes; dbt's type_float maps to it). -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'revops')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    {{ return(dbt.type_float()) }}
{%- endmacro %}
