{#- The raw relation behind one contract table, as a subquery with every contract
    column present and typed as text:
      - a source system's model when one provides the table (crm_source,
        billing_source; see macros/source_systems/), else the demo seed (raw_source:
        demo) or the `contract` source (files, schema);
      - an optional column missing from the table becomes NULL;
      - an absent table becomes an empty result (the KPIs that need it are empty).
    Staging models select from this and do the parsing, so the demo, user files and
    warehouse tables all go through exactly the same casts. -#}
{% macro contract_source(table_name, crm_only=false) %}
    {%- set relation = contract_relation(table_name, crm_only) -%}
    {%- set contract_columns = contract_columns_of(table_name) -%}
    {%- set present = existing_columns_of(relation) -%}
    {%- set table_exists = present is not none -%}
    {%- set present = present or [] %}
    (
        select
            {# the line in the user's file, where the loader recorded it #}
            {% if '_source_line' in present -%}
                cast(_source_line as {{ dbt.type_bigint() }})
            {%- else -%}
                cast(null as {{ dbt.type_bigint() }})
            {%- endif %} as _source_line,
            {#- the file a row came from; a line the CSV reader could not parse is a row
                of its own with the reader's reason and the line's text (landing.py) #}
            {%- for landed in ['_source_file', '_source_error', '_source_text'] %}
            {% if landed in present -%}
                cast({{ landed }} as {{ dbt.type_string() }})
            {%- else -%}
                cast(null as {{ dbt.type_string() }})
            {%- endif %} as {{ landed }},
            {%- endfor %}
        {%- for column in contract_columns %}
            {% if column.name in present -%}
                cast({{ adapter.quote(column.name) }} as {{ dbt.type_string() }})
            {%- else -%}
                cast(null as {{ dbt.type_string() }})
            {%- endif %} as {{ column.name }}{{ "," if not loop.last }}
        {%- endfor %}
        {#- a source system's columns beyond the contract: source_relation, passthroughs -#}
        {%- for column in source_system_extra_columns(table_name, crm_only) %},
            {% if column.name in present -%}
                cast({{ adapter.quote(column.name) }} as {{ dbt.type_string() }})
            {%- else -%}
                cast(null as {{ dbt.type_string() }})
            {%- endif %} as {{ adapter.quote(column.name) }}
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
    a list of {name, contract_type, required, may_be_empty, required_when,
    true_only_when, accepted_values, range, references, non_negative, positive}
    (_contract__sources.yml explains each). -#}
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
                'may_be_empty': meta.get('may_be_empty', false),
                'required_when': meta.get('required_when'),
                'true_only_when': meta.get('true_only_when'),
                'accepted_values': meta.get('accepted_values'),
                'range': meta.get('range'),
                'references': meta.get('references'),
                'non_negative': meta.get('non_negative', false),
                'positive': meta.get('positive', false),
            }) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(columns) }}
{% endmacro %}


{#- The relation a contract table is read from: a source system's model, the demo
    seed or the contract source. -#}
{% macro contract_relation(table_name, crm_only=false) %}
    {%- set system = source_system_of(table_name, crm_only) -%}
    {%- if system != 'contract' -%}
        {{ return(ref('base_' ~ system ~ '__contract_' ~ table_name)) }}
    {%- elif var('raw_source', 'demo') == 'demo' -%}
        {%- if crm_source() != 'contract' or billing_source() != 'contract' -%}
            {{ exceptions.raise_compiler_error(
                "crm_source/billing_source read your own systems, so the other contract tables cannot "
                ~ "come from the demo company: set var raw_source to 'schema' (raw_schema) or 'files' (data_dir)") }}
        {%- endif -%}
        {{ return(ref(table_name)) }}
    {%- else -%}
        {{ return(source('contract', table_name)) }}
    {%- endif -%}
{% endmacro %}


{#- Whether the raw input has this table at all (a table may be absent). -#}
{% macro contract_table_exists(table_name) %}
    {#- the demo and source systems have every table (and ref() here would be a
        dependency dbt cannot see) -#}
    {%- if not execute or source_system_of(table_name) != 'contract' or var('raw_source', 'demo') == 'demo' -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set relation = contract_relation(table_name) -%}
    {{ return(adapter.get_relation(database=relation.database, schema=relation.schema,
                                   identifier=relation.identifier) is not none) }}
{% endmacro %}


{#- The table's primary key columns, from the source YAML. -#}
{% macro contract_primary_key_of(table_name) %}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set node = graph.sources['source.' ~ project_name ~ '.contract.' ~ table_name] -%}
    {%- set meta = node.config.meta if node.config.meta else node.meta -%}
    {{ return(meta.get('primary_key', [])) }}
{% endmacro %}


{#- The lower-case column names of a relation, or none when it does not exist (or at
    parse time, when nothing can be looked up). -#}
{% macro existing_columns_of(relation) %}
    {%- if not execute -%}{{ return(none) }}{%- endif -%}
    {%- set existing = adapter.get_relation(
        database=relation.database, schema=relation.schema, identifier=relation.identifier) -%}
    {%- if existing is none -%}{{ return(none) }}{%- endif -%}
    {%- set names = [] -%}
    {%- for column in adapter.get_columns_in_relation(existing) -%}
        {%- do names.append(column.name | lower) -%}
    {%- endfor -%}
    {{ return(names) }}
{% endmacro %}
