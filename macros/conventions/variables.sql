{#- The variables of dbt_project.yml, checked before any SQL exists.

    Each variable has a kind (below): what values it may take. check_variables()
    checks every one of them and stops with a compiler error naming the variable, its
    value and what it must be; generate_schema_name() calls it, and dbt calls that for
    every node while parsing, so `dbt build --vars ...` (or compile, run, test) fails
    before a line of SQL is rendered, whatever is selected. Identifiers, numbers, dates
    and choices are then safe to paste; free text (paths, names, lists of reasons) is
    only ever pasted through sql_literal().

    The runner checks the same kinds (runner/revops/options.py) to give usage errors;
    a test keeps the two lists, and dbt_project.yml's vars, the same. -#}
{% macro variable_kinds() %}
    {{ return({
        'raw_source': {'kind': 'choice', 'choices': ['demo', 'files', 'schema']},
        'data_dir': {'kind': 'text', 'nullable': true},
        'raw_schema': {'kind': 'identifier'},
        'raw_database': {'kind': 'text', 'nullable': true},
        'crm_source': {'kind': 'choice', 'choices': ['contract', 'salesforce', 'hubspot']},
        'billing_source': {'kind': 'choice', 'choices': ['contract', 'stripe']},
        'salesforce_schema': {'kind': 'identifier'},
        'salesforce_history_schema': {'kind': 'identifier'},
        'hubspot_schema': {'kind': 'identifier'},
        'hubspot_deal_pipelines': {'kind': 'text_list'},
        'stripe_schema': {'kind': 'identifier'},
        'salesforce_schemas': {'kind': 'schema_list'},
        'hubspot_schemas': {'kind': 'schema_list'},
        'stripe_schemas': {'kind': 'schema_list'},
        'salesforce_field_map': {'kind': 'field_map', 'system': 'salesforce'},
        'hubspot_field_map': {'kind': 'field_map', 'system': 'hubspot'},
        'stripe_field_map': {'kind': 'field_map', 'system': 'stripe'},
        'salesforce_opportunity_passthrough_columns': {'kind': 'passthrough_columns'},
        'salesforce_account_passthrough_columns': {'kind': 'passthrough_columns'},
        'hubspot_deal_passthrough_columns': {'kind': 'passthrough_columns'},
        'hubspot_company_passthrough_columns': {'kind': 'passthrough_columns'},
        'stripe_customer_passthrough_columns': {'kind': 'passthrough_columns'},
        'stripe_subscription_passthrough_columns': {'kind': 'passthrough_columns'},
        'stripe_invoice_passthrough_columns': {'kind': 'passthrough_columns'},
        'qualified_stage_min_probability': {'kind': 'number', 'min': 0, 'max': 100},
        'billing_account_id_metadata_key': {'kind': 'identifier', 'nullable': true},
        'billing_match_on_email_domain': {'kind': 'boolean'},
        'reporting_currency': {'kind': 'currency'},
        'fiscal_year_start_month': {'kind': 'integer', 'min': 1, 'max': 12},
        'as_of_date': {'kind': 'date', 'nullable': true},
        'as_of_min_events_after_previous_month_end': {'kind': 'integer', 'min': 0},
        'calendar_start': {'kind': 'date', 'nullable': true},
        'calendar_end': {'kind': 'date', 'nullable': true},
        'excluded_lost_reasons': {'kind': 'text_list'},
        'dq_max_quarantined_share': {'kind': 'number', 'min': 0, 'max': 1},
        'dq_max_quarantined_share_by_table': {'kind': 'share_by_table'},
        'pipeline_no_activity_days': {'kind': 'integer', 'min': 1},
        'pipeline_velocity_window_days': {'kind': 'integer', 'min': 1},
        'forecast_period_type': {'kind': 'choice', 'choices': ['month', 'quarter', 'year']},
        'forecast_checkpoint_days': {'kind': 'integer'},
        'gross_margin': {'kind': 'number', 'min': 0, 'max': 1},
        'engagement_activity_types': {'kind': 'text_list'},
        'kpi_frames_materialized': {'kind': 'choice', 'choices': ['table', 'view']},
        'incremental_facts': {'kind': 'boolean'},
        'incremental_lookback_days': {'kind': 'integer', 'min': 0},
    }) }}
{% endmacro %}


{#- Check every variable; returns ''. -#}
{% macro check_variables() %}
    {%- for name in variable_kinds() -%}
        {%- do checked_var(name) -%}
    {%- endfor -%}
    {{ return('') }}
{% endmacro %}


{#- var(name), or a compiler error saying what the value must be. -#}
{% macro checked_var(name) %}
    {%- set rule = variable_kinds().get(name) -%}
    {%- if rule is none -%}
        {{ exceptions.raise_compiler_error("checked_var('" ~ name ~ "'): no such variable in variable_kinds()") }}
    {%- endif -%}
    {%- set value = var(name, none) -%}
    {%- set problem = variable_problem(value, rule) -%}
    {%- if problem -%}
        {%- set shown = ("'" ~ value ~ "'") if value is string else (value | string) -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " is " ~ shown[:80] ~ ", but it must be " ~ problem
            ~ " (dbt_project.yml lists every variable with its default)") }}
    {%- endif -%}
    {{ return(value) }}
{% endmacro %}


{#- What is wrong with `value` for `rule`: '' when nothing, else what it must be. -#}
{% macro variable_problem(value, rule) %}
    {%- set kind = rule['kind'] -%}
    {%- set re = modules.re -%}
    {%- set is_bool = value is sameas true or value is sameas false -%}
    {%- if value is none -%}
        {{ return('' if rule.get('nullable') or kind in ('text_list', 'share_by_table', 'schema_list', 'field_map',
                                                          'passthrough_columns') else 'set (not null)') }}
    {%- elif kind == 'choice' -%}
        {{ return('' if value in rule['choices'] else 'one of ' ~ rule['choices'] | join(', ')) }}
    {%- elif kind == 'identifier' -%}
        {%- set ok = value is string and re.fullmatch('[A-Za-z_][A-Za-z0-9_]*', value) -%}
        {{ return('' if ok else 'a name of letters, digits and underscores, not starting with a digit') }}
    {%- elif kind == 'text' -%}
        {{ return('' if value is string else 'text') }}
    {%- elif kind == 'text_list' -%}
        {%- set items = [value] if value is string or value is number else value -%}
        {%- set state = namespace(ok=items is iterable and items is not mapping and not is_bool) -%}
        {%- for item in (items if state.ok else []) -%}
            {%- if not (item is string or (item is number and item is not sameas true and item is not sameas false)) -%}
                {%- set state.ok = false -%}
            {%- endif -%}
        {%- endfor -%}
        {{ return('' if state.ok else 'a text or a list of texts') }}
    {%- elif kind == 'boolean' -%}
        {{ return('' if is_bool else 'true or false') }}
    {%- elif kind == 'currency' -%}
        {%- set ok = value is string and re.fullmatch('[A-Z]{3}', value) -%}
        {{ return('' if ok else 'an ISO 4217 currency code in capitals, such as USD or EUR') }}
    {%- elif kind in ('number', 'integer') -%}
        {{ return(number_problem(value, rule)) }}
    {%- elif kind == 'date' -%}
        {{ return(date_problem(value)) }}
    {%- elif kind == 'schema_list' -%}
        {{ return(schema_list_problem(value)) }}
    {%- elif kind == 'field_map' -%}
        {{ return(field_map_problem(value, rule['system'])) }}
    {%- elif kind == 'passthrough_columns' -%}
        {{ return(passthrough_columns_problem(value)) }}
    {%- elif kind == 'share_by_table' -%}
        {%- if value is not mapping -%}
            {{ return('a mapping of contract table to a share between 0 and 1, such as {opportunities: 0.05}') }}
        {%- endif -%}
        {%- for table_name, share in value.items() -%}
            {%- if table_name not in contract_tables() -%}
                {{ return('keyed by contract tables (' ~ contract_tables() | join(', ') ~ '), not ' ~ table_name) }}
            {%- elif number_problem(share, {'kind': 'number', 'min': 0, 'max': 1}) -%}
                {{ return('a mapping of contract table to a share between 0 and 1; ' ~ table_name ~ ' is ' ~ share) }}
            {%- endif -%}
        {%- endfor -%}
        {{ return('') }}
    {%- endif -%}
    {{ return('of the known kinds (variable_kinds() has no kind ' ~ kind ~ ')') }}
{% endmacro %}


{% macro number_problem(value, rule) %}
    {%- set integer = rule['kind'] == 'integer' -%}
    {%- set pattern = '-?[0-9]+' if integer else '-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?' -%}
    {%- set is_bool = value is sameas true or value is sameas false -%}
    {%- if is_bool -%}
        {%- set ok = false -%}
    {%- elif value is string -%}
        {%- set ok = modules.re.fullmatch(pattern, value) is not none -%}
    {%- else -%}
        {%- set ok = (value is integer) if integer else (value is number) -%}
    {%- endif -%}
    {%- set number = (value | float) if ok else 0 -%}
    {%- set ok = ok and number - number == 0 -%}  {#- false for NaN and the infinities -#}
    {%- set low, high = rule.get('min'), rule.get('max') -%}
    {%- set ok = ok and (low is none or number >= low) and (high is none or number <= high) -%}
    {%- if ok -%}
        {{ return('') }}
    {%- endif -%}
    {%- set what = 'a whole number' if integer else 'a number' -%}
    {%- if low is not none and high is not none -%}
        {{ return(what ~ ' from ' ~ low ~ ' to ' ~ high) }}
    {%- elif low is not none -%}
        {{ return(what ~ ' of at least ' ~ low) }}
    {%- endif -%}
    {{ return(what) }}
{% endmacro %}


{#- Several connections: a schema or database.schema, or a list of them, each once. -#}
{% macro schema_list_problem(value) %}
    {%- set items = [value] if value is string else value -%}
    {%- set message = 'a list of schemas (or database.schema), such as [sf_us, sf_eu], each once' -%}
    {%- if items is not iterable or items is mapping or value is sameas true or value is sameas false -%}
        {{ return(message) }}
    {%- endif -%}
    {%- for item in items -%}
        {%- if not (item is string and modules.re.fullmatch('[A-Za-z_][A-Za-z0-9_]*([.][A-Za-z_][A-Za-z0-9_]*)?', item)) -%}
            {{ return(message ~ '; ' ~ item ~ ' is not') }}
        {%- elif (items | select('equalto', item) | list | length) > 1 -%}
            {{ return(message ~ '; ' ~ item ~ ' is listed twice') }}
        {%- endif -%}
    {%- endfor -%}
    {{ return('') }}
{% endmacro %}


{#- A field map: {contract column: source column}, the contract columns those the
    system supports (field_map_defaults()), the source columns plain names or null. -#}
{% macro field_map_problem(value, system) %}
    {%- set supported = field_map_defaults(system).keys() | list -%}
    {%- if value is not mapping -%}
        {{ return('a mapping of contract column to source column, such as {segment: customer_tier__c}') }}
    {%- endif -%}
    {%- for contract_column, column in value.items() -%}
        {%- if contract_column not in supported -%}
            {%- set near = near_matches(contract_column, supported) -%}
            {{ return('keyed by ' ~ supported | join(', ') ~ ', not ' ~ contract_column
                ~ ((' (did you mean ' ~ near[0] ~ '?)') if near else '')) }}
        {%- elif column is not none and not (column is string and modules.re.fullmatch('[A-Za-z_][A-Za-z0-9_]*', column)) -%}
            {{ return('a mapping to column names (letters, digits and underscores, not starting with a digit); '
                ~ contract_column ~ ' is ' ~ column) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return('') }}
{% endmacro %}


{#- Passthrough columns: a list of names or of {name, alias, transform}; names and
    aliases plain names, transform one of passthrough_transforms(), no name twice and
    none called source_relation. (A name that shadows a contract column is refused at
    compile time, when the contract is known: check_passthrough_name().) -#}
{% macro passthrough_columns_problem(value) %}
    {%- set items = [value] if value is string or value is mapping else value -%}
    {%- set message = 'a list of column names or of {name, alias, transform}' -%}
    {%- if items is not iterable or value is sameas true or value is sameas false or value is number -%}
        {{ return(message) }}
    {%- endif -%}
    {%- set names = [] -%}
    {%- for item in items -%}
        {%- set entry = item if item is mapping else {'name': item} -%}
        {%- set unknown_keys = entry.keys() | reject('in', ['name', 'alias', 'transform']) | list -%}
        {%- set transform = entry.get('transform') or 'text' -%}
        {%- for key in ['name', 'alias'] if entry.get(key) is not none or key == 'name' -%}
            {%- if not (entry.get(key) is string and modules.re.fullmatch('[A-Za-z_][A-Za-z0-9_]*', entry.get(key))) -%}
                {{ return(message ~ '; the ' ~ key ~ ' ' ~ entry.get(key) ~ ' is not a plain name (letters, digits and underscores)') }}
            {%- endif -%}
        {%- endfor -%}
        {%- if unknown_keys -%}
            {{ return(message ~ '; ' ~ unknown_keys | join(', ') ~ ' is not one of name, alias, transform') }}
        {%- elif transform not in passthrough_transforms() -%}
            {%- set near = near_matches(transform, passthrough_transforms()) -%}
            {{ return(message ~ '; transform ' ~ transform ~ ' is not one of ' ~ passthrough_transforms() | join(', ')
                ~ ((' (did you mean ' ~ near[0] ~ '?)') if near else '')) }}
        {%- endif -%}
        {%- set name = (entry.get('alias') or entry['name']) | lower -%}
        {%- if name in names or name == 'source_relation' -%}
            {{ return(message ~ '; ' ~ name ~ ' is named twice (or is source_relation, which every row has): give it an alias') }}
        {%- endif -%}
        {%- do names.append(name) -%}
    {%- endfor -%}
    {{ return('') }}
{% endmacro %}


{#- A calendar date, YYYY-MM-DD (YAML may have read it as a date already). -#}
{% macro date_problem(value) %}
    {%- set text = value | string -%}
    {%- set parts = modules.re.fullmatch('([0-9]{4})-([0-9]{2})-([0-9]{2})', text) -%}
    {%- set message = 'a date, YYYY-MM-DD, from 1900-01-01 to 2100-12-31' -%}
    {%- if value is not string and value.isoformat is not defined or parts is none -%}
        {{ return(message) }}
    {%- endif -%}
    {%- set year, month, day = parts.group(1) | int, parts.group(2) | int, parts.group(3) | int -%}
    {%- if year < 1900 or year > 2100 or month < 1 or month > 12 or day < 1 -%}
        {{ return(message) }}
    {%- endif -%}
    {%- set first_of_next = (modules.datetime.date(year, month, 28) + modules.datetime.timedelta(days=4)).replace(day=1) -%}
    {{ return('' if day <= (first_of_next - modules.datetime.timedelta(days=1)).day else message) }}
{% endmacro %}


{#- `value` as a SQL string literal: single quotes doubled, so any text (a path, a
    name like O'Brien) is one value and never SQL. None is null. -#}
{% macro sql_literal(value) -%}
    {%- if value is none -%}
        null
    {%- else -%}
        {{ adapter.dispatch('string_literal', 'revops')(value | string) }}
    {%- endif -%}
{%- endmacro %}

{% macro default__string_literal(text) -%}
    '{{ text | replace("'", "''") }}'
{%- endmacro %}
