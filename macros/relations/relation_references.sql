{#- Every ref() and source() goes through here, so that an engine can change how a
    relation is written into SQL. On DuckDB a view stores its SQL text; a catalog name in
    it (the file's stem) breaks the view in a copied or renamed file, or under
    `ATTACH 'revops.duckdb' AS wh`. Other engines get the builtin relation unchanged. -#}
{% macro ref() %}
    {%- set relation = builtins.ref(*varargs, **kwargs) -%}
    {{ return(adapter.dispatch('referenced_relation', 'revops')(relation)) }}
{% endmacro %}

{% macro source() %}
    {%- set relation = builtins.source(*varargs, **kwargs) -%}
    {{ return(adapter.dispatch('referenced_relation', 'revops')(relation)) }}
{% endmacro %}

{% macro default__referenced_relation(relation) %}
    {{ return(relation) }}
{% endmacro %}
