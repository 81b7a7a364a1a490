{#- Several connections of one source system (two Salesforce orgs, a Stripe account per
    region): var <system>_schemas lists the schemas (or database.schema) the ELT tool
    writes each one to; system_source() reads the same table from each and unions
    them. With one connection (the default: <system>_schema) nothing changes, not even
    an id; with several, every id is '<connection>:<id>' (DECISIONLOG: ids across
    connections) and source_relation says which connection a row came from. -#}

{#- The connections of a source (salesforce, hubspot, stripe): a list of
    {name, database, schema}; database none = the source's own. Other sources
    (salesforce_history) have one. -#}
{% macro system_connections(source_name) %}
    {%- set entries = var(source_name ~ '_schemas', none) if source_name in ('salesforce', 'hubspot', 'stripe') else none -%}
    {%- if not entries -%}
        {{ return([{'name': none, 'database': none, 'schema': none}]) }}
    {%- endif -%}
    {%- set entries = [entries] if entries is string else entries -%}
    {%- set connections = [] -%}
    {%- for entry in entries -%}
        {%- set parts = (entry | string).split('.') -%}
        {%- do connections.append({'name': entry | string,
                                   'database': parts[0] if parts | length == 2 else none,
                                   'schema': parts[-1]}) -%}
    {%- endfor -%}
    {{ return(connections) }}
{% endmacro %}


{#- Whether ids are prefixed by their connection: when there are several. -#}
{% macro system_has_several_connections(source_name) %}
    {{ return(system_connections(source_name) | length > 1) }}
{% endmacro %}


{#- One table of a source in each connection: a list of {name, relation}; name is
    none with a single connection, which reads the table as before. -#}
{% macro system_connection_relations(source_name, table_name) %}
    {%- set relation = source(source_name, table_name) -%}
    {%- set connections = system_connections(source_name) -%}
    {%- set several = connections | length > 1 -%}
    {%- set relations = [] -%}
    {%- for connection in connections -%}
        {%- if connection.schema is none -%}
            {%- do relations.append({'name': none, 'relation': relation}) -%}
        {%- else -%}
            {%- do relations.append({
                'name': connection.name if several else none,
                'relation': relation.incorporate(path={
                    'database': connection.database or relation.database, 'schema': connection.schema})}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(relations) }}
{% endmacro %}


{#- The lower-case columns of a table in every connection that has it, or none when
    no connection has it (or at parse time). -#}
{% macro system_columns_in_any_connection(source_name, table_name) %}
    {%- set state = namespace(found=false) -%}
    {%- set names = [] -%}
    {%- for connection in system_connection_relations(source_name, table_name) -%}
        {%- set present = existing_columns_of(connection.relation) -%}
        {%- if present is not none -%}
            {%- set state.found = true -%}
            {%- for name in present if name not in names -%}{%- do names.append(name) -%}{%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(names if state.found else none) }}
{% endmacro %}


{#- The table in each connection, for messages. -#}
{% macro system_relation_names(source_name, table_name) %}
    {{ return(system_connection_relations(source_name, table_name) | map(attribute='relation') | map('string') | join(' / ')) }}
{% endmacro %}


{#- Whether a landed column holds an id of the connection's own rows (its `id`, a
    reference `*_id`), to be prefixed when there are several connections (a passthrough
    column so named too, so it still joins). HubSpot's pipeline, stage and
    association-type ids are shared vocabulary, not rows of one portal (deal properties
    and stage history hold them unprefixed), and portal_id names the portal itself:
    they stay as landed. -#}
{% macro system_id_column(source_name, name) %}
    {%- if source_name not in ('salesforce', 'hubspot', 'stripe') -%}{{ return(false) }}{%- endif -%}
    {%- set is_id = name == 'id' or name.endswith('_id') -%}
    {%- if source_name == 'hubspot' and ('pipeline' in name or 'stage' in name or name in ('type_id', 'portal_id')) -%}
        {{ return(false) }}
    {%- endif -%}
    {{ return(is_id) }}
{% endmacro %}


{#- The connection a row came from, from its (prefixed) id: the schema, as listed in
    <system>_schemas; with one connection, that connection's schema. -#}
{% macro source_relation_of(source_name, id_expression) -%}
    {%- set connections = system_connections(source_name) -%}
    {%- if connections | length == 1 -%}
        {{ sql_literal(connections[0].name or var(source_name ~ '_schema', source_name)) }}
    {%- else -%}
        {#- not LIKE: an underscore in a name would be a wildcard #}
        case
            {%- for connection in connections %}
            when left({{ id_expression }}, {{ (connection.name ~ ':') | length }}) = {{ sql_literal(connection.name ~ ':') }}
                then {{ sql_literal(connection.name) }}
            {%- endfor %}
        end
    {%- endif -%}
{%- endmacro %}
