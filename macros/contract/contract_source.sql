{#- The raw relation behind one contract table, as a subquery with every contract
    column present and typed as text:
      - the demo seed (raw_source: demo), or the `contract` source (files, schema);
      - an optional column missing from the table becomes NULL;
      - an absent table becomes an empty result (the KPIs that need it are empty).
    Staging models select from this and do the parsing, so the demo, user files and
    warehouse tables all go through exactly the same casts. -#}
{% macro contract_source(table_name) %}
    {%- if var('raw_source', 'demo') == 'demo' -%}
        {%- set relation = ref(table_name) -%}
    {%- else -%}
        {%- set relation = source('contract', table_name) -%}
    {%- endif -%}
    {%- set contract_columns = contract_columns_of(table_name) -%}
    {%- set present = [] -%}
    {%- set table_exists = false -%}
    {%- if execute -%}
        {%- set existing = adapter.get_relation(
            database=relation.database, schema=relation.schema, identifier=relation.identifier) -%}
        {%- if existing is not none -%}
            {%- set table_exists = true -%}
            {%- for column in adapter.get_columns_in_relation(existing) -%}
                {%- do present.append(column.name | lower) -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endif %}
    (
        select
        {%- for column in contract_columns %}
            {% if column.name in present -%}
                cast({{ adapter.quote(column.name) }} as {{ dbt.type_string() }})
            {%- else -%}
                cast(null as {{ dbt.type_string() }})
            {%- endif %} as {{ column.name }}{{ "," if not loop.last }}
        {%- endfor %}
        {%- if table_exists %}
        from {{ relation }}
        {%- else %}
        {#- No such table: an empty result with the right columns. #}
        where 1 = 0
        {%- endif %}
    )
{%- endmacro %}


{#- The contract's columns for one table, in contract order, from the source YAML:
    a list of {name, contract_type, required, accepted_values}. -#}
{% macro contract_columns_of(table_name) %}
    {%- set columns = [] -%}
    {%- if execute -%}
        {%- set node = graph.sources['source.' ~ project_name ~ '.contract.' ~ table_name] -%}
        {%- for name, column in node.columns.items() -%}
            {%- set meta = column.config.meta if column.config is defined and column.config.meta else column.meta -%}
            {%- do columns.append({
                'name': name,
                'contract_type': meta.get('contract_type', 'text'),
                'required': meta.get('required', false),
                'accepted_values': meta.get('accepted_values'),
            }) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(columns) }}
{% endmacro %}
