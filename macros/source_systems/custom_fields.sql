{#- Custom fields of the source systems: field maps (a contract column read from any
    source column) and passthrough columns (extra source columns carried, under their
    name or an alias, to the conformed tables). Both are variables, checked before any
    SQL exists (variable_kinds(): kinds field_map and passthrough_columns) and again
    against the landed tables at compile time; a source column is only ever pasted
    quoted (adapter.quote), lower-cased as ELT tools land column names. -#}

{#- The contract columns a system's field map may point elsewhere, each with the
    source object it is read from and the column read when the map says nothing
    (none: no standard field, the column stays NULL). runner/revops/options.py's
    FIELD_MAP_COLUMNS is the same table. -#}
{% macro field_map_defaults(system) %}
    {%- set defaults = {
        'salesforce': {
            'segment': {'object': 'account', 'column': 'segment__c'},
            'region': {'object': 'account', 'column': none},
            'industry': {'object': 'account', 'column': 'industry'},
            'country': {'object': 'account', 'column': 'billing_country'},
            'amount': {'object': 'opportunity', 'column': 'amount'},
            'lost_reason': {'object': 'opportunity', 'column': 'loss_reason__c'},
            'source': {'object': 'opportunity', 'column': 'lead_source'},
        },
        'hubspot': {
            'segment': {'object': 'company', 'column': none},
            'region': {'object': 'company', 'column': none},
            'industry': {'object': 'company', 'column': 'property_industry'},
            'country': {'object': 'company', 'column': 'property_country'},
            'amount': {'object': 'deal', 'column': 'property_amount'},
            'lost_reason': {'object': 'deal', 'column': 'property_closed_lost_reason'},
            'source': {'object': 'deal', 'column': 'property_hs_analytics_source'},
        },
        'stripe': {
            'segment': {'object': 'customer', 'column': none},
            'region': {'object': 'customer', 'column': none},
            'industry': {'object': 'customer', 'column': none},
            'country': {'object': 'customer', 'column': none},
        },
    } -%}
    {{ return(defaults.get(system, {})) }}
{% endmacro %}


{#- The passthrough variables: system -> source object -> the contract table it feeds. -#}
{% macro passthrough_objects(system) %}
    {%- set objects = {
        'salesforce': {'opportunity': 'opportunities', 'account': 'accounts'},
        'hubspot': {'deal': 'opportunities', 'company': 'accounts'},
        'stripe': {'customer': 'accounts', 'subscription': 'subscriptions', 'invoice': 'invoices'},
    } -%}
    {{ return(objects.get(system, {})) }}
{% endmacro %}


{#- The casts a passthrough may ask for (`transform`): contract types, parsed as the
    contract parses them (a value that does not parse is NULL, never a failed build).
    No free SQL: a transform is a name from this list. -#}
{% macro passthrough_transforms() %}
    {{ return(['text', 'integer', 'number', 'boolean', 'date', 'timestamp']) }}
{% endmacro %}


{#- The source column a contract column is read from (lower case), or none. -#}
{% macro mapped_column(system, contract_column) %}
    {%- set mapped = (var(system ~ '_field_map', none) or {}) -%}
    {%- if contract_column in mapped -%}
        {{ return((mapped[contract_column] | lower) if mapped[contract_column] else none) }}
    {%- endif -%}
    {{ return(field_map_defaults(system)[contract_column]['column']) }}
{% endmacro %}


{#- The expression of a mapped contract column in a base model: `wrapper` (a macro
    such as clean_text) of the quoted source column, qualified by `alias`; NULL when
    the map points nowhere. -#}
{% macro mapped_field(system, contract_column, wrapper, alias=none) -%}
    {%- set column = mapped_column(system, contract_column) -%}
    {%- if column is none -%}
        cast(null as {{ dbt.type_string() }})
    {%- else -%}
        {{ wrapper((alias ~ '.' if alias else '') ~ adapter.quote(column)) }}
    {%- endif -%}
{%- endmacro %}


{#- The source columns an object's field map reads (for system_source's list). -#}
{% macro mapped_columns_of(system, object_name) %}
    {%- set names = [] -%}
    {%- for contract_column, default in field_map_defaults(system).items() if default.object == object_name -%}
        {%- set column = mapped_column(system, contract_column) -%}
        {%- if column and column not in names -%}{%- do names.append(column) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(names) }}
{% endmacro %}


{#- An object's passthrough columns: a list of {column (source, lower case), name (in
    the conformed tables), transform}. Entries are a name or {name, alias, transform}. -#}
{% macro passthrough_columns(system, object_name) %}
    {%- set entries = var(system ~ '_' ~ object_name ~ '_passthrough_columns', none) or [] -%}
    {%- set entries = [entries] if entries is string or entries is mapping else entries -%}
    {%- set columns = [] -%}
    {%- for entry in entries -%}
        {%- if entry is mapping -%}
            {%- do columns.append({'column': entry['name'] | lower,
                                   'name': (entry.get('alias') or entry['name']) | lower,
                                   'transform': entry.get('transform') or 'text'}) -%}
        {%- else -%}
            {%- do columns.append({'column': entry | lower, 'name': entry | lower, 'transform': 'text'}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(columns) }}
{% endmacro %}


{#- The passthrough source columns of an object (for system_source's list). -#}
{% macro passthrough_source_columns(system, object_name) %}
    {{ return(passthrough_columns(system, object_name) | map(attribute='column') | unique | list) }}
{% endmacro %}


{#- The passthrough select items of a base model: `, <alias>."col" as "name"`, as text. -#}
{% macro passthrough_selects(system, object_name, alias=none) -%}
    {%- for column in passthrough_columns(system, object_name) %},
        {{ clean_text((alias ~ '.' if alias else '') ~ adapter.quote(column.column)) }} as {{ adapter.quote(column.name) }}
    {%- endfor -%}
{%- endmacro %}


{#- The columns a contract table carries beyond the contract when a source system
    provides it: source_relation (the connection a row came from), then the
    passthroughs, as a list of {name, transform}. Empty for the contract's own tables.
    For accounts with a billing system: the CRM's extras, then the billing system's.
    A name that shadows a contract or conformed column, or repeats, is an error. -#}
{% macro source_system_extra_columns(table_name, crm_only=false) %}
    {%- set system = source_system_of(table_name, crm_only) -%}
    {%- if system == 'contract' -%}{{ return([]) }}{%- endif -%}
    {%- set extras = [{'name': 'source_relation', 'transform': 'text', 'system': system}] -%}
    {%- set sides = [crm_source(), system] if (table_name == 'accounts' and system == billing_source()
        and not crm_only and crm_source() != 'contract') else [system] -%}
    {%- for side in sides -%}
        {%- set on_side = [] -%}
        {%- for object_name, object_table in passthrough_objects(side).items() if object_table == table_name -%}
            {%- for column in passthrough_columns(side, object_name) -%}
                {%- set repeated = column.name in on_side or column.name == 'source_relation' -%}
                {%- do on_side.append(column.name) -%}
                {%- if repeated or column.name in extras | map(attribute='name') | list -%}
                    {#- the CRM's and the billing system's columns of one name are one column -#}
                    {%- if repeated -%}
                        {{ exceptions.raise_compiler_error(
                            "var " ~ side ~ "_" ~ object_name ~ "_passthrough_columns names '" ~ column.name
                            ~ "' twice (or it is source_relation, which every source-system row has): give it an alias") }}
                    {%- endif -%}
                {%- else -%}
                    {%- do check_passthrough_name(side, object_name, column.name, table_name) -%}
                    {%- do extras.append({'name': column.name, 'transform': column.transform}) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(extras) }}
{% endmacro %}


{#- A passthrough may not shadow a contract column or a column of the conformed table
    it reaches (dim_accounts' owner_name, fct_opportunities' amount_reporting...). -#}
{% macro check_passthrough_name(system, object_name, name, table_name) %}
    {#- a unit test's context has no graph of sources: the build checks it -#}
    {%- if not execute or 'sources' not in graph -%}{{ return('') }}{%- endif -%}
    {%- set taken = contract_columns_of(table_name) | map(attribute='name') | list -%}
    {%- for model_name in conformed_models_of(table_name) -%}
        {%- set node = graph.nodes.get('model.' ~ project_name ~ '.' ~ model_name) -%}
        {%- if node -%}{%- do taken.extend(node.columns.keys() | list) -%}{%- endif -%}
    {%- endfor -%}
    {%- if name in taken -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ system ~ "_" ~ object_name ~ "_passthrough_columns: '" ~ name ~ "' is already a column of "
            ~ table_name ~ " (" ~ conformed_models_of(table_name) | join(", ") ~ "); give it an alias, "
            ~ "such as {name: " ~ name ~ ", alias: " ~ system ~ "_" ~ name ~ "}") }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}


{#- The conformed tables a contract table's extra columns reach. -#}
{% macro conformed_models_of(table_name) %}
    {%- set models = {
        'accounts': ['stg_contract__accounts', 'dim_accounts'],
        'opportunities': ['stg_contract__opportunities', 'fct_opportunities'],
        'subscriptions': ['stg_contract__subscriptions', 'fct_subscriptions'],
        'invoices': ['stg_contract__invoices', 'fct_invoices'],
    } -%}
    {{ return(models.get(table_name, [])) }}
{% endmacro %}


{#- The extra columns as select items after a contract table's own: `, alias."name"`,
    cast by their transform when `typed` (the staging models), as they are otherwise. -#}
{% macro source_system_extra_selects(table_name, alias, typed=false) -%}
    {%- for column in source_system_extra_columns(table_name) %},
        {% if typed and column.transform != 'text' -%}
        {{ parse_contract_value(alias ~ '.' ~ adapter.quote(column.name), column.transform) }}
        {%- else -%}
        {{ alias }}.{{ adapter.quote(column.name) }}
        {%- endif %} as {{ adapter.quote(column.name) }}
    {%- endfor -%}
{%- endmacro %}


{#- Stop with a clear message when a mapped or passthrough column is not in the landed
    table (in no connection): name the table and the nearest columns it has. Columns
    of the defaults may be absent (NULL), as before. -#}
{% macro require_custom_columns(system, object_name) %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set present = system_columns_in_any_connection(system, object_name) -%}
    {%- if present is none -%}{{ return('') }}{%- endif -%}
    {%- set wanted = [] -%}
    {%- set mapped = var(system ~ '_field_map', none) or {} -%}
    {%- for contract_column, column in mapped.items() if column and field_map_defaults(system)[contract_column].object == object_name -%}
        {%- do wanted.append({'column': column | lower, 'var': system ~ '_field_map.' ~ contract_column}) -%}
    {%- endfor -%}
    {%- for column in passthrough_columns(system, object_name) -%}
        {%- do wanted.append({'column': column.column, 'var': system ~ '_' ~ object_name ~ '_passthrough_columns'}) -%}
    {%- endfor -%}
    {%- for item in wanted if item.column not in present -%}
        {%- set near = near_matches(item.column, present) -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ item.var ~ " reads column '" ~ item.column ~ "', but table " ~ system_relation_names(system, object_name)
            ~ " has no such column" ~ ((": did you mean " ~ near | join(", ") ~ "?") if near
                else " (it has " ~ present[:20] | join(", ") ~ ")")) }}
    {%- endfor -%}
    {{ return('') }}
{% endmacro %}


{#- The names of `choices` closest to `value` (at most 3, best first): those sharing
    most two-letter pairs with it (Dice coefficient of at least 0.5), case ignored. -#}
{% macro near_matches(value, choices) %}
    {%- set target = value | string | lower -%}
    {%- set target_pairs = [] -%}
    {%- for i in range(target | length - 1) -%}{%- do target_pairs.append(target[i:i + 2]) -%}{%- endfor -%}
    {%- set scored = [] -%}
    {%- for choice in choices -%}
        {%- set candidate = choice | string | lower -%}
        {%- set state = namespace(common=0) -%}
        {%- set pairs = [] -%}
        {%- for i in range(candidate | length - 1) -%}{%- do pairs.append(candidate[i:i + 2]) -%}{%- endfor -%}
        {%- set remaining = pairs | list -%}
        {%- for pair in target_pairs if pair in remaining -%}
            {%- set state.common = state.common + 1 -%}
            {%- do remaining.remove(pair) -%}
        {%- endfor -%}
        {%- set total = target_pairs | length + pairs | length -%}
        {%- set score = (2.0 * state.common / total) if total else (1.0 if candidate == target else 0.0) -%}
        {%- if score >= 0.5 -%}{%- do scored.append([score, choice]) -%}{%- endif -%}
    {%- endfor -%}
    {%- set best = [] -%}
    {%- for item in scored | sort(attribute='0', reverse=true) -%}
        {%- if loop.index <= 3 -%}{%- do best.append(item[1]) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(best) }}
{% endmacro %}
