{#- A date variable (as_of_date, calendar_start, calendar_end) as a SQL date
    expression, or none when it is unset. The value must be a real date written
    YYYY-MM-DD between 1900-01-01 and 2100-12-31 (the contract's range of dates); any
    other value stops the build with a message naming the variable, so a variable
    never reaches SQL unchecked. -#}
{% macro date_var(name) %}
    {%- set value = var(name, none) -%}
    {%- if value is none or (value | string | trim) == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set text = value | string | trim -%}
    {%- set problem = "var " ~ name ~ " must be a date written YYYY-MM-DD between 1900-01-01 and 2100-12-31, got "
                      ~ (text | tojson) -%}
    {%- set match = modules.re.match('^([0-9]{4})-([0-9]{2})-([0-9]{2})$', text) -%}
    {%- if not match -%}
        {{ exceptions.raise_compiler_error(problem) }}
    {%- endif -%}
    {%- set year, month, day = match.group(1) | int, match.group(2) | int, match.group(3) | int -%}
    {%- if year < 1900 or year > 2100 or month < 1 or month > 12 or day < 1 -%}
        {{ exceptions.raise_compiler_error(problem) }}
    {%- endif -%}
    {%- set first_of_month = modules.datetime.date(year, month, 1) -%}
    {%- set first_of_next = modules.datetime.date(year + 1, 1, 1) if month == 12
                            else modules.datetime.date(year, month + 1, 1) -%}
    {%- if day > (first_of_next - first_of_month).days -%}
        {{ exceptions.raise_compiler_error(problem) }}
    {%- endif -%}
    {{ return("cast('" ~ text ~ "' as date)") }}
{% endmacro %}
