{#- contract_source(table_name) with each row's first contract problem, if any:
    `dq_column` and `dq_reason` are NULL for a good row. Staging keeps the good rows;
    audit.dq_quarantine keeps the others, so every raw row ends up in exactly one of
    them. The checks, in order:
      a line the file reader could not parse; a required key column empty; a required value empty; a value that does not parse as its
      contract type; a value outside its enumeration; an unknown ISO 4217 currency; a
      negative amount where none is allowed; a required reference to a row that does
      not exist (checked only when the referenced table is present); and last, a
      duplicate key (the first good row with the key is kept). -#}
{% macro contract_checked_source(table_name) %}
    {%- set columns = contract_columns_of(table_name) -%}
    {%- set key = contract_primary_key_of(table_name) -%}
    {%- set checks = contract_row_checks(table_name, columns, key) -%}
    (
        select
            ranked.*,
            case
                when ranked.dq_reason_before_keys is not null then ranked.dq_column_before_keys
                when ranked.rank_within_key > 1 then '{{ key | join(", ") }}'
            end as dq_column,
            case
                when ranked.dq_reason_before_keys is not null then ranked.dq_reason_before_keys
                when ranked.rank_within_key > 1 then 'duplicate key'
            end as dq_reason
        from (
            select
                checked.*,
                {%- if key %}
                row_number() over (
                    partition by {% for column in key %}checked.{{ column }}{{ ", " if not loop.last }}{% endfor %}
                    order by
                        case when checked.dq_reason_before_keys is null then 0 else 1 end,
                        checked._source_line
                        {%- for column in columns %}, checked.{{ column.name }}{% endfor %}
                ) as rank_within_key
                {%- else %}
                1 as rank_within_key
                {%- endif %}
            from (
                select
                    source.*,
                    case
                        {%- for check in checks %}
                        when {{ check.condition }} then '{{ check.column }}'
                        {%- endfor %}
                    end as dq_column_before_keys,
                    case
                        {%- for check in checks %}
                        when {{ check.condition }} then {{ check.reason_sql or ("'" ~ check.reason ~ "'") }}
                        {%- endfor %}
                    end as dq_reason_before_keys
                from {{ contract_source(table_name) }} as source
            ) as checked
        ) as ranked
    )
{%- endmacro %}


{#- The checks for one table as a list of {column, condition, reason}, in order. -#}
{% macro contract_row_checks(table_name, columns, key) %}
    {%- set checks = [] -%}
    {#- a line the file reader could not parse (landing.py): its reason is the reader's -#}
    {%- do checks.append({'column': '_source_text', 'condition': 'source._source_error is not null',
                          'reason_sql': 'source._source_error'}) -%}
    {%- for column in columns if column.name in key and column.required -%}
        {%- do checks.append({'column': column.name, 'condition': clean_text('source.' ~ column.name) ~ ' is null',
                              'reason': 'empty key'}) -%}
    {%- endfor -%}
    {%- for column in columns if column.required and column.name not in key -%}
        {%- do checks.append({'column': column.name, 'condition': clean_text('source.' ~ column.name) ~ ' is null',
                              'reason': 'required value is empty'}) -%}
    {%- endfor -%}
    {%- for column in columns -%}
        {%- set value = 'source.' ~ column.name -%}
        {%- set parsed = parse_contract_value(value, column.contract_type) -%}
        {%- if column.contract_type not in ('text', 'currency') -%}
            {%- do checks.append({'column': column.name,
                'condition': clean_text(value) ~ ' is not null and ' ~ parsed ~ ' is null',
                'reason': 'not a valid ' ~ column.contract_type}) -%}
        {%- endif -%}
        {%- if column.accepted_values -%}
            {%- do checks.append({'column': column.name,
                'condition': parse_enum(value) ~ " not in ('" ~ (column.accepted_values | join("', '")) ~ "')",
                'reason': 'not one of ' ~ (column.accepted_values | join(', '))}) -%}
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
    {%- endfor -%}
    {%- for column in columns if column.required and column.references -%}
        {%- set target_table, target_column = column.references.split('.') -%}
        {%- if target_table != table_name and contract_table_exists(target_table) -%}
            {%- do checks.append({'column': column.name,
                'condition': 'not exists (select 1 from ' ~ ref('stg_contract__' ~ target_table) ~ ' as referenced'
                    ~ ' where referenced.' ~ target_column ~ ' = ' ~ clean_text('source.' ~ column.name) ~ ')',
                'reason': 'no valid ' ~ target_table ~ ' row with this ' ~ target_column ~ ' (missing, or quarantined itself)'}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(checks) }}
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
