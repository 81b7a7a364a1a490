{#- contract_source(table_name) with each row's first contract problem, if any:
    `dq_column` and `dq_reason` are NULL for a good row. Staging keeps the good rows;
    audit.dq_quarantine keeps the others, so every raw row ends up in exactly one of
    them. The row checks, in order (contract_row_checks):
      a line the file reader could not parse; a required key column empty; a required value empty (or empty where another
      column makes it required); a value that does not parse as its contract type, or a
      date outside 1900-2100; a value outside its enumeration or range; an unknown ISO
      4217 currency; a negative amount where none is allowed; a flag true where another
      column forbids it; a required reference to a row that does not exist; an amount
      in a currency with no exchange rate in force; and last, a duplicate key (keys
      compared as parsed: one instant written two ways, or `eur` and `EUR`, is one key;
      the first good row with the key is kept).
    An optional reference (owner, manager, parent, converted account...) to a row that
    does not exist never quarantines its row: the value is set to NULL here, and
    `<column>__dangling` keeps the missing id for audit.dq_nulled_references. -#}
{% macro contract_checked_source(table_name) %}
    {%- set columns = contract_columns_of(table_name) -%}
    {%- set key = contract_primary_key_of(table_name) -%}
    {%- set checks = contract_row_checks(table_name, columns, key) -%}
    {%- set optional_references = contract_optional_references(table_name, columns) -%}
    (
        {#- the checks run once, for the number of the first that fails: naming its column
            and its reason in two CASEs of the conditions ran every check twice -#}
        with numbered as (
            select
                raw_row.*,
                case
                    {%- for check in checks %}
                    when {{ check.condition }} then {{ loop.index }}
                    {%- endfor %}
                end as dq_check_number
            from {{ contract_source(table_name) }} as raw_row
            {#- a required reference is a left join to the keys it may point at: DuckDB
                ran `not exists` inside the CASE as a slower mark join (1.0 s against
                0.1 s for 1.3M usage rows, issue 12) -#}
            {%- for check in checks if check.reference %}
            left join (
                select distinct referenced.{{ check.reference.target_column }} as referenced_value
                from {{ check.reference.relation }} as referenced
            ) as {{ check.reference.alias }}
                on {{ check.reference.alias }}.referenced_value = {{ check.reference.value }}
            {%- endfor %}
        ),

        checked as (
            select
                raw_row.*,
                case raw_row.dq_check_number
                    {%- for check in checks %}
                    when {{ loop.index }} then '{{ check.column }}'
                    {%- endfor %}
                end as dq_column_before_keys,
                case raw_row.dq_check_number
                    {%- for check in checks %}
                    when {{ loop.index }} then {{ check.reason_sql or sql_literal(check.reason) }}
                    {%- endfor %}
                end as dq_reason_before_keys
            from numbered as raw_row
        ),

        ranked as (
            select
                checked.*,
                {%- if key %}
                row_number() over (
                    partition by
                        {%- for column_name in key %}
                        {{ parse_contract_value('checked.' ~ column_name, contract_type_of(columns, column_name)) }}
                        {{- ", " if not loop.last }}
                        {%- endfor %}
                    order by
                        case when checked.dq_reason_before_keys is null then 0 else 1 end,
                        checked._source_line
                        {%- for column in columns %}, checked.{{ column.name }}{% endfor %}
                ) as rank_within_key
                {%- else %}
                1 as rank_within_key
                {%- endif %}
            from checked
        ),

        decided as (
            select
                ranked.*,
                case
                    when ranked.dq_reason_before_keys is not null then ranked.dq_column_before_keys
                    when ranked.rank_within_key > 1 then {{ sql_literal(key | join(", ")) }}
                end as dq_column,
                case
                    when ranked.dq_reason_before_keys is not null then ranked.dq_reason_before_keys
                    when ranked.rank_within_key > 1 then 'duplicate key'
                end as dq_reason
            from ranked
        )

        {%- for reference in optional_references if reference.target_table == table_name %},

        {#- a reference into the same table (a parent account, a manager) can only point
            at the rows of this table that are kept -#}
        kept_{{ reference.column }} as (
            select distinct {{ clean_text('decided.' ~ reference.target_column) }} as referenced_value
            from decided
            where decided.dq_reason is null
        )
        {%- endfor %}

        select
            decided._source_line,
            decided._source_file,
            decided._source_error,
            decided._source_text,
            {%- for column in columns %}
            {%- set reference = optional_references | selectattr('column', 'equalto', column.name) | first %}
            {%- if reference %}
            case when {{ contract_is_dangling(reference, 'decided') }} then null else decided.{{ column.name }} end
                as {{ column.name }},
            case when {{ contract_is_dangling(reference, 'decided') }} then decided.{{ column.name }} end
                as {{ column.name }}__dangling,
            {%- else %}
            decided.{{ column.name }},
            {%- endif %}
            {%- endfor %}
            {%- for column in source_system_extra_columns(table_name) %}
            decided.{{ adapter.quote(column.name) }},
            {%- endfor %}
            decided.dq_column,
            decided.dq_reason
        from decided
        {#- each optional reference joined to the values it may point at (as above) -#}
        {%- for reference in optional_references %}
        left join (
            {%- if reference.target_table == table_name %}
            select referenced_value from kept_{{ reference.column }}
            {%- else %}
            select distinct referenced.{{ reference.target_column }} as referenced_value
            from {{ ref('stg_contract__' ~ reference.target_table) }} as referenced
            {%- endif %}
        ) as dangling_{{ reference.column }}
            on dangling_{{ reference.column }}.referenced_value
                = {{ parse_contract_value('decided.' ~ reference.column, reference.contract_type) }}
        {%- endfor %}
    )
{%- endmacro %}


{#- Whether an optional reference of a row in `alias` points at no kept row (its join,
    dangling_<column>, found none). -#}
{% macro contract_is_dangling(reference, alias) -%}
    (
        {{ parse_contract_value(alias ~ '.' ~ reference.column, reference.contract_type) }} is not null
        and dangling_{{ reference.column }}.referenced_value is null
    )
{%- endmacro %}


{#- The references whose breakage nulls the value instead of quarantining the row: those
    of optional columns and of columns that may be empty, into tables that are present.
    A list of {table_name, column, contract_type, target_table, target_column}. -#}
{% macro contract_optional_references(table_name, columns) %}
    {%- set references = [] -%}
    {%- for column in columns if column.references and (not column.required or column.may_be_empty) -%}
        {%- set target_table, target_column = column.references.split('.') -%}
        {%- if contract_table_exists(target_table) -%}
            {%- do references.append({'table_name': table_name, 'column': column.name,
                'contract_type': column.contract_type, 'target_table': target_table,
                'target_column': target_column}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(references) }}
{% endmacro %}


{#- The checks for one table as a list of {column, condition, reason} (or reason_sql, an
    expression, where the reason names the row's own values), in order. -#}
{% macro contract_row_checks(table_name, columns, key) %}
    {%- set checks = [] -%}
    {#- a line the file reader could not parse (landing.py): its reason is the reader's -#}
    {%- do checks.append({'column': '_source_text', 'condition': 'raw_row._source_error is not null',
                          'reason_sql': 'raw_row._source_error'}) -%}
    {%- for column in columns if column.name in key and column.required -%}
        {%- do checks.append({'column': column.name, 'condition': clean_text('raw_row.' ~ column.name) ~ ' is null',
                              'reason': 'empty key'}) -%}
    {%- endfor -%}
    {%- for column in columns if column.required and not column.may_be_empty and column.name not in key -%}
        {%- do checks.append({'column': column.name, 'condition': clean_text('raw_row.' ~ column.name) ~ ' is null',
                              'reason': 'required value is empty'}) -%}
    {%- endfor -%}
    {%- for column in columns if column.required_when -%}
        {%- set other = column.required_when -%}
        {%- set other_type = contract_type_of(columns, other) -%}
        {%- set other_given = parse_boolean('raw_row.' ~ other) ~ ' = true' if other_type == 'boolean'
            else parse_contract_value('raw_row.' ~ other, other_type) ~ ' is not null' -%}
        {%- do checks.append({'column': column.name,
            'condition': clean_text('raw_row.' ~ column.name) ~ ' is null and ' ~ other_given,
            'reason': 'required value is empty (' ~ other ~ (' is true' if other_type == 'boolean' else ' is given') ~ ')'}) -%}
    {%- endfor -%}
    {%- for column in columns -%}
        {%- set value = 'raw_row.' ~ column.name -%}
        {%- set parsed = parse_contract_value(value, column.contract_type) -%}
        {%- if column.contract_type not in ('text', 'enum', 'currency') -%}
            {%- do checks.append({'column': column.name,
                'condition': clean_text(value) ~ ' is not null and ' ~ parsed ~ ' is null',
                'reason': 'not a valid ' ~ column.contract_type}) -%}
        {%- endif -%}
        {%- if column.contract_type in ('date', 'timestamp') -%}
            {#- a year like 0202 or 20024 is a typo, not history: the calendar covers the data -#}
            {%- do checks.append({'column': column.name,
                'condition': parsed ~ " < cast('1900-01-01' as date) or " ~ parsed ~ " >= cast('2101-01-01' as date)",
                'reason': 'outside 1900-2100'}) -%}
        {%- endif -%}
        {%- if column.accepted_values -%}
            {%- do checks.append({'column': column.name,
                'condition': parse_enum(value) ~ " not in ('" ~ (column.accepted_values | join("', '")) ~ "')",
                'reason': 'not one of ' ~ (column.accepted_values | join(', '))}) -%}
        {%- endif -%}
        {%- if column.range -%}
            {%- set low, high = column.range -%}
            {%- do checks.append({'column': column.name,
                'condition': parsed ~ ' < ' ~ (low | float) ~ ' or ' ~ parsed ~ ' > ' ~ (high | float),
                'reason': 'outside ' ~ low ~ '-' ~ high}) -%}
        {%- endif -%}
        {%- if column.contract_type == 'currency' -%}
            {%- do checks.append({'column': column.name,
                'condition': parse_currency(value) ~ ' is not null and not exists (select 1 from '
                    ~ ref('currencies') ~ ' as known where known.currency = ' ~ parse_currency(value) ~ ')',
                'reason': 'unknown ISO 4217 currency'}) -%}
        {%- endif -%}
        {%- if column.non_negative -%}
            {%- do checks.append({'column': column.name, 'condition': parsed ~ ' < 0',
                                  'reason': 'negative amount'}) -%}
        {%- endif -%}
        {%- if column.positive -%}
            {%- do checks.append({'column': column.name, 'condition': parsed ~ ' <= 0',
                                  'reason': 'not a positive number'}) -%}
        {%- endif -%}
        {%- if column.true_only_when -%}
            {%- do checks.append({'column': column.name,
                'condition': parse_boolean(value) ~ ' = true and not coalesce('
                    ~ parse_boolean('raw_row.' ~ column.true_only_when) ~ ', false)',
                'reason': 'true but ' ~ column.true_only_when ~ ' is not'}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for column in columns if column.required and not column.may_be_empty and column.references -%}
        {%- set target_table, target_column = column.references.split('.') -%}
        {%- if target_table != table_name and contract_table_exists(target_table) -%}
            {%- set alias = 'referenced_' ~ column.name -%}
            {%- do checks.append({'column': column.name,
                'condition': alias ~ '.referenced_value is null',
                'reference': {'alias': alias, 'relation': ref('stg_contract__' ~ target_table),
                              'target_column': target_column,
                              'value': parse_contract_value('raw_row.' ~ column.name, column.contract_type)},
                'reason': 'no valid ' ~ target_table ~ ' row with this ' ~ target_column ~ ' (missing, or quarantined itself)'}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set conversion = contract_fx_conversion_of(table_name) -%}
    {%- if conversion -%}
        {%- do checks.append(contract_fx_rate_check(conversion, columns)) -%}
    {%- endif -%}
    {{ return(checks) }}
{% endmacro %}


{#- An amount in a currency other than the reporting currency needs a rate in force on
    its conversion date (the latest fx_rates row on or before it). The reason names the
    currency and the date, so it says what to add. -#}
{% macro contract_fx_rate_check(conversion, columns) %}
    {%- set currency = parse_currency('raw_row.' ~ conversion.currency) -%}
    {%- set dates = [] -%}
    {%- for column_name in conversion.date -%}
        {%- do dates.append(parse_date('raw_row.' ~ column_name)) -%}
    {%- endfor -%}
    {%- set on_date = 'coalesce(' ~ (dates | join(', ')) ~ ')' if dates | length > 1 else dates[0] -%}
    {%- set amount = parse_contract_value('raw_row.' ~ conversion.amount, 'money') -%}
    {%- set condition = amount ~ ' is not null and ' ~ currency ~ ' != ' ~ sql_literal(checked_var('reporting_currency'))
        ~ ' and not exists (select 1 from ' ~ ref('stg_contract__fx_rates') ~ ' as rates'
        ~ ' where rates.currency = ' ~ currency ~ ' and rates.rate_date <= ' ~ on_date ~ ')' -%}
    {%- set day = 'cast(' ~ on_date ~ ' as ' ~ dbt.type_string() ~ ')' -%}
    {{ return({'column': conversion.currency, 'condition': condition,
        'reason_sql': dbt.concat(["'no exchange rate in force: add a rate for '", currency,
                                  "' on or before '", day]) }) }}
{% endmacro %}


{#- A table's currency conversion, from its meta.fx_conversion: {amount, currency,
    date: [columns tried in order]}; none when its amounts are not converted. -#}
{% macro contract_fx_conversion_of(table_name) %}
    {%- if not execute -%}{{ return(none) }}{%- endif -%}
    {%- set node = graph.sources['source.' ~ project_name ~ '.contract.' ~ table_name] -%}
    {%- set meta = node.config.meta if node.config.meta else node.meta -%}
    {{ return(meta.get('fx_conversion')) }}
{% endmacro %}


{#- The contract type of a column by name. -#}
{% macro contract_type_of(columns, column_name) %}
    {%- for column in columns if column.name == column_name -%}
        {{ return(column.contract_type) }}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("the contract has no column " ~ column_name) }}
{% endmacro %}


{#- The parse expression for a contract type (see parse_values.sql). -#}
{% macro parse_contract_value(column, contract_type) -%}
    {%- if contract_type == 'timestamp' -%}{{ parse_timestamp(column) }}
    {%- elif contract_type == 'date' -%}{{ parse_date(column) }}
    {%- elif contract_type == 'boolean' -%}{{ parse_boolean(column) }}
    {%- elif contract_type == 'money' -%}{{ parse_money(column) }}
    {%- elif contract_type == 'number' -%}{{ parse_number(column) }}
    {%- elif contract_type == 'integer' -%}{{ parse_integer(column) }}
    {%- elif contract_type == 'currency' -%}{{ parse_currency(column) }}
    {%- elif contract_type == 'enum' -%}{{ parse_enum(column) }}
    {%- else -%}{{ clean_text(column) }}
    {%- endif -%}
{%- endmacro %}


{#- Key columns as concat() parts: values joined by ', ', an empty one shown as ''. -#}
{% macro intersperse_key(key) %}
    {%- set parts = [] -%}
    {%- for column in key -%}
        {%- do parts.append("coalesce(" ~ column ~ ", '')") -%}
        {%- if not loop.last -%}{%- do parts.append("', '") -%}{%- endif -%}
    {%- endfor -%}
    {{ return(parts) }}
{% endmacro %}
