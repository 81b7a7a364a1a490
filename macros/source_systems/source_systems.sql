{#- Source systems: Salesforce, HubSpot and Stripe as ELT tools land them. Each one has
    a staging folder (models/staging/<system>/) whose `base_<system>__contract_<table>`
    models reshape its tables into contract tables, as text, the way a user's file
    would hold them. `contract_relation()` reads those models instead of the raw
    contract table, so parsing, the quarantine and every KPI are the same whatever the
    data came from. -#}

{#- The contract tables each system provides. -#}
{% macro source_system_tables(system) %}
    {%- set tables = {
        'salesforce': ['users', 'accounts', 'leads', 'opportunity_stages', 'opportunities',
                       'opportunity_history', 'activities'],
        'hubspot': ['users', 'accounts', 'opportunity_stages', 'opportunities', 'opportunity_history',
                    'activities'],
        'stripe': ['accounts', 'subscriptions', 'invoices', 'payments'],
    } -%}
    {{ return(tables.get(system, [])) }}
{% endmacro %}


{#- The selected CRM and billing systems, checked. -#}
{% macro crm_source() %}
    {%- set system = var('crm_source', 'contract') -%}
    {%- if system not in ('contract', 'salesforce', 'hubspot') -%}
        {{ exceptions.raise_compiler_error("var crm_source is '" ~ system ~ "'; expected contract, salesforce or hubspot") }}
    {%- endif -%}
    {{ return(system) }}
{% endmacro %}

{% macro billing_source() %}
    {%- set system = var('billing_source', 'contract') -%}
    {%- if system not in ('contract', 'stripe') -%}
        {{ exceptions.raise_compiler_error("var billing_source is '" ~ system ~ "'; expected contract or stripe") }}
    {%- endif -%}
    {{ return(system) }}
{% endmacro %}


{#- Which system a contract table comes from: 'contract' (raw_source) or a system's
    name. Billing wins for accounts: the billing system's accounts model holds the CRM
    accounts plus the billing customers no CRM account matched. With crm_only, the
    billing system is ignored (that accounts model reads the CRM accounts this way). -#}
{% macro source_system_of(table_name, crm_only=false) %}
    {%- if not crm_only and table_name in source_system_tables(billing_source()) -%}
        {{ return(billing_source()) }}
    {%- elif table_name in source_system_tables(crm_source()) -%}
        {{ return(crm_source()) }}
    {%- endif -%}
    {{ return('contract') }}
{% endmacro %}


{#- One table of a source system as a subquery with exactly `column_names`, all as text:
    a column the table lacks is NULL (connectors land only the fields a company uses,
    and custom fields differ), and an absent table gives no rows. Reading text keeps
    one parsing path: typed columns (as Fivetran lands them) and text columns (as a CSV
    or a JSON loader lands them) come out the same.

    History mode: a table with Fivetran's `_fivetran_active` keeps every version of a
    row, the old ones with `_fivetran_active` false. With versions='current' (the
    default) only live versions are read, and if a key (system_table_key()) still has
    several, the latest `_fivetran_start` (then `_fivetran_synced`, then the values
    themselves) wins, so the choice never depends on the engine's row order. A table
    that is history by nature (HubSpot's deal_stage, Salesforce's history schema)
    passes versions='all' and gets every row. -#}
{% macro system_source(source_name, table_name, column_names, versions='current') %}
    {%- set connections = system_connection_relations(source_name, table_name) -%}
    {%- if connections | length == 1 -%}
        {{ return(system_source_of_relation(connections[0].relation, source_name, table_name, column_names, versions)) }}
    {%- endif %}
    (
        {%- for connection in connections %}
        select * from {{ system_source_of_relation(connection.relation, source_name, table_name, column_names,
                                                   versions, id_prefix=connection.name) }} as connection_{{ loop.index }}
        {{ "union all" if not loop.last }}
        {%- endfor %}
    )
{%- endmacro %}


{#- system_source() of one connection's table. With id_prefix (several connections),
    every id column (system_id_column()) is read as '<connection>:<id>', so ids are
    unique across connections and the models' joins stay inside one connection. -#}
{% macro system_source_of_relation(relation, source_name, table_name, column_names, versions='current', id_prefix=none) %}
    {%- set present = existing_columns_of(relation) -%}
    {%- set table_exists = present is not none -%}
    {%- set present = present or [] -%}
    {%- set history_mode = versions == 'current' and '_fivetran_active' in present -%}
    {%- if not history_mode %}
    (
        select
        {%- for name in column_names %}
            {{ system_column_as_text(name, present, source_name, id_prefix) }} as {{ adapter.quote(name) }}{{ "," if not loop.last }}
        {%- endfor %}
        {%- if table_exists %}
        from {{ relation }}
        {%- else %}
        where 1 = 0
        {%- endif %}
    )
    {%- else %}
    {%- set key = system_table_key(source_name, table_name) -%}
    {%- set version_order = [] -%}
    {%- for name in ['_fivetran_start', '_fivetran_synced'] if name in present -%}
        {%- do version_order.append(name) -%}
    {%- endfor -%}
    {%- set read_names = (column_names + key + version_order + ['_fivetran_active']) | unique | list %}
    (
        select
        {%- for name in column_names %}
            {{ adapter.quote(name) }}{{ "," if not loop.last }}
        {%- endfor %}
        from (
            select
                landed.*,
                {%- if key %}
                row_number() over (
                    partition by {% for name in key %}landed.{{ adapter.quote(name) }}{{ ", " if not loop.last }}{% endfor %}
                    order by
                        {%- for name in version_order + column_names %}
                        case when landed.{{ adapter.quote(name) }} is null then 1 else 0 end,
                        landed.{{ adapter.quote(name) }} desc{{ "," if not loop.last }}
                        {%- endfor %}
                ) as _version_rank
                {%- else %}
                1 as _version_rank
                {%- endif %}
            from (
                select
                {%- for name in read_names %}
                    {{ system_column_as_text(name, present, source_name, id_prefix) }} as {{ adapter.quote(name) }}{{ "," if not loop.last }}
                {%- endfor %}
                from {{ relation }}
            ) as landed
            -- an old version is not the row as it is now
            where coalesce({{ parse_boolean('landed._fivetran_active') }}, true)
        ) as live_versions
        where _version_rank = 1
    )
    {%- endif %}
{%- endmacro %}

{% macro system_column_as_text(name, present, source_name=none, id_prefix=none) -%}
    {%- if name in present and id_prefix and system_id_column(source_name, name) -%}
        case when {{ clean_text('cast(' ~ adapter.quote(name) ~ ' as ' ~ dbt.type_string() ~ ')') }} is not null
            then {{ dbt.concat([sql_literal(id_prefix ~ ':'),
                                clean_text('cast(' ~ adapter.quote(name) ~ ' as ' ~ dbt.type_string() ~ ')')]) }} end
    {%- elif name in present -%}
        cast({{ adapter.quote(name) }} as {{ dbt.type_string() }})
    {%- else -%}
        cast(null as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}


{#- The key of a source system's table: the columns that identify one row (one
    version of it under history mode). -#}
{% macro system_table_key(source_name, table_name) %}
    {%- set keys = {
        'hubspot': {
            'company': ['id'], 'deal': ['deal_id'], 'deal_pipeline': ['pipeline_id'],
            'deal_pipeline_stage': ['stage_id'], 'owner': ['owner_id'], 'engagement': ['id'],
            'deal_company': ['deal_id', 'company_id', 'type_id'],
            'engagement_company': ['engagement_id', 'company_id'],
            'merged_deal': ['deal_id', 'merged_deal_id'],
            'deal_property_history': ['deal_id', 'name', 'timestamp'],
        },
    } -%}
    {#- Salesforce and Stripe objects all have an `id` -#}
    {%- if source_name in ('salesforce', 'salesforce_history', 'stripe') -%}
        {{ return(['id']) }}
    {%- endif -%}
    {{ return(keys.get(source_name, {}).get(table_name, [])) }}
{% endmacro %}


{#- Whether a source system's table exists (some are optional). -#}
{% macro system_table_exists(source_name, table_name) %}
    {{ return(system_columns_in_any_connection(source_name, table_name) is not none) }}
{% endmacro %}


{#- A row is live unless a deleted flag is set: the system's own (`is_deleted`) or the
    loader's (`_fivetran_deleted`, `_airbyte_deleted`...). -#}
{% macro is_live(flags) -%}
    ({% for flag in flags %}coalesce({{ parse_boolean(flag) }}, false) = false{{ " and " if not loop.last }}{% endfor %})
{%- endmacro %}


{#- A timestamp column as contract text: ISO 8601 in UTC. Loaders land timestamps as
    timestamps, as ISO text, or (Stripe's API) as Unix seconds; all three work. -#}
{% macro system_timestamp(column) -%}
    case
        when {{ clean_text(column) }} is null then null
        when {{ try_cast(clean_text(column), dbt.type_bigint()) }} is not null
            then cast({{ epoch_seconds_to_timestamp(try_cast(clean_text(column), dbt.type_bigint())) }} as {{ dbt.type_string() }})
        else {{ clean_text(column) }}
    end
{%- endmacro %}


{% macro epoch_seconds_to_timestamp(seconds) -%}
    {{ return(adapter.dispatch('epoch_seconds_to_timestamp', 'revops')(seconds)) }}
{%- endmacro %}

{% macro default__epoch_seconds_to_timestamp(seconds) -%}
    {{ dbt.dateadd('second', seconds, "cast('1970-01-01' as timestamp)") }}
{%- endmacro %}


{#- The web domain of a URL or an email address, lower case, without "www.":
    'https://www.Acme.com/about' and 'jo@acme.com' both give 'acme.com'. -#}
{% macro web_domain(column) -%}
    {#- drop, in turn: an email's user, a URL's scheme, "www.", and any path or port -#}
    {%- set without_user = regexp_replace_all('lower(' ~ clean_text(column) ~ ')', "'^.*@'", "''") -%}
    {%- set without_scheme = regexp_replace_all(without_user, "'^[a-z][a-z0-9+.-]*://'", "''") -%}
    {%- set without_www = regexp_replace_all(without_scheme, "'^www[.]'", "''") -%}
    nullif({{ regexp_replace_all(without_www, "'[/:?#].*$'", "''") }}, '')
{%- endmacro %}


{#- Portable regexp_replace of every match. -#}
{% macro regexp_replace_all(expression, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all', 'revops')(expression, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}


{#- A text value of a JSON object column (Stripe's metadata). -#}
{% macro json_text(column, key) -%}
    {{ return(adapter.dispatch('json_text', 'revops')(column, key)) }}
{%- endmacro %}

{#- Postgres and the like: only text that looks like a JSON object is parsed, so an
    empty or plain-text metadata cell is NULL rather than an aborted build. -#}
{% macro default__json_text(column, key) -%}
    case when left(trim({{ column }}), 1) = '{' and right(trim({{ column }}), 1) = '}'
        then cast({{ column }} as json) ->> '{{ key }}' end
{%- endmacro %}


{#- A Stripe amount (an integer in the currency's smallest unit) as contract money
    text: divided by 10^decimals (0 for zero-decimal currencies, 3 for three-decimal
    ones, else 2; see the stripe_currency_decimals seed). A value that is not a number
    is passed through, so the quarantine reports it as it was. -#}
{% macro stripe_major_units(amount, decimals) -%}
    coalesce(
        cast(cast(
            {{ try_cast(clean_text(amount), dbt.type_numeric()) }} / power(10, coalesce({{ decimals }}, 2))
        as {{ dbt.type_numeric() }}) as {{ dbt.type_string() }}),
        {{ clean_text(amount) }})
{%- endmacro %}


{#- Stop with a clear message when a selected system's essential table is not where the
    variables point: an empty build would look like a company with no data. -#}
{% macro require_system_table(source_name, table_name) %}
    {%- if execute and not system_table_exists(source_name, table_name) -%}
        {%- set relation = source(source_name, table_name) -%}
        {{ exceptions.raise_compiler_error(
            source_name ~ " is selected but there is no table " ~ relation
            ~ ": point var " ~ source_name ~ "_schema (now '" ~ relation.schema ~ "') at the schema your ELT tool writes"
            ~ (", in the DuckDB file given as raw_database (--raw-database)" if target.type == 'duckdb' else "")) }}
    {%- endif -%}
{% endmacro %}
