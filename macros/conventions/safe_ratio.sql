{#- numerator / denominator as a double, and NULL when the denominator is zero or NULL:
    "empty is not zero", the same way in every KPI. -#}
{% macro safe_ratio(numerator, denominator) -%}
    case
        when {{ denominator }} is null or {{ denominator }} = 0 then null
        else cast({{ numerator }} as {{ type_double() }}) / cast({{ denominator }} as {{ type_double() }})
    end
{%- endmacro %}
