{#- A model's custom schema (staging, core, kpis...) is used as it is, so BI users
    find `core.fct_opportunities` under the same name on every target. Models without
    one go to the target's schema. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {#- dbt calls this for every node while parsing: the one place where every variable
        is checked before any SQL is rendered (macros/conventions/variables.sql). Every
        model is enough (a change of vars makes dbt parse them all): checking for each
        of the 550 data tests too was a third of a full parse. -#}
    {%- if node is none or node.resource_type != 'test' -%}
        {%- do check_variables() -%}
    {%- endif -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
