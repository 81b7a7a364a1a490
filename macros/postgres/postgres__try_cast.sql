{#- Postgres only. Postgres has no try_cast: a plain cast of a bad cell aborts the whole
    build, where the contract wants the row quarantined. A value is cast only when its
    text has the shape of the type (digits for integers, a decimal or exponent number,
    an ISO 8601 date or timestamp), else it is NULL, like DuckDB's try_cast. A value of
    the right shape that is still out of range (2024-02-30) fails loudly. -#}
{% macro postgres_shape_of(data_type) %}
    {%- set type = data_type | lower -%}
    {%- if 'int' in type -%}
        {{ return('^[+-]?[0-9]+$') }}
    {%- elif 'numeric' in type or 'decimal' in type or 'double' in type or 'float' in type or 'real' in type -%}
        {{ return('^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?$') }}
    {%- elif 'timestamp' in type or type == 'date' -%}
        {{ return('^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)?(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)?$') }}
    {%- endif -%}
    {{ return(none) }}
{% endmacro %}

{% macro postgres__try_cast(expression, data_type) -%}
    {%- set shape = postgres_shape_of(data_type) -%}
    {%- if shape is none -%}
        cast({{ expression }} as {{ data_type }})
    {%- else -%}
        case when cast({{ expression }} as text) ~ '{{ shape }}' then cast({{ expression }} as {{ data_type }}) end
    {%- endif -%}
{%- endmacro %}

{% macro postgres__parse_timestamp(column) -%}
    cast({{ postgres__try_cast(clean_text(column), 'timestamp with time zone') }} at time zone 'UTC' as timestamp)
{%- endmacro %}
