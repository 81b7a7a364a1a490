{#- A date variable (as_of_date, calendar_start, calendar_end) as a SQL date
    expression, or none when it is unset. The value must be a real date written
    YYYY-MM-DD between 1900-01-01 and 2100-12-31 (the contract's range of dates); any
    other value stops the build with a message naming the variable, so a variable
    never reaches SQL unchecked. -#}
{% macro date_var(name) %}
    {#- checked_var raises, naming the variable, unless it is a real date in 1900-2100 -#}
    {%- set value = checked_var(name) -%}
    {%- if value is none or (value | string | trim) == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return("cast(" ~ sql_literal(value | string | trim) ~ " as date)") }}
{% endmacro %}
