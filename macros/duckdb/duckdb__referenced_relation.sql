{#- DuckDB: inside a view, a relation of the warehouse's own catalog is written without
    the catalog (`intermediate.int_x`, not `"revops"."intermediate"."int_x"`); DuckDB
    binds a view's names in the catalog holding the view, whatever it is called. A
    relation in another catalog (an attached raw_database) keeps its name; tables and
    tests keep the full name (nothing stores their SQL). -#}
{% macro duckdb__referenced_relation(relation) %}
    {%- if relation is none or not execute -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set materialized = model.config.materialized if model is defined and model.config is defined else none -%}
    {%- if materialized == 'view' and relation.database == target.database -%}
        {{ return(relation.include(database=False)) }}
    {%- endif -%}
    {{ return(relation) }}
{% endmacro %}
