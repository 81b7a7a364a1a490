-- The contract's accounts with Stripe as the billing system: every CRM account (from
-- crm_source, or the contract's own accounts table), plus each Stripe customer that
-- matches none of them, as an account of its own (see base_stripe__customers). Such an
-- account is flagged is_deleted when its customer is deleted in Stripe: its billing
-- history still counts, under an account that says it is gone.
{%- set columns = contract_columns_of('accounts') %}
{%- set from_customers = {
    'account_id': 'customers.customer_id',
    'account_name': 'coalesce(customers.customer_name, customers.email, customers.customer_id)',
    'created_at': 'customers.created_at',
    'domain': 'customers.email_domain',
    'is_deleted': "case when customers.is_deleted then 'true' else 'false' end",
} %}
select
    crm_accounts._source_line,
    crm_accounts._source_file,
    crm_accounts._source_error,
    crm_accounts._source_text,
    {%- for column in columns %}
    crm_accounts.{{ column.name }}{{ "," if not loop.last }}
    {%- endfor %}
from {{ contract_source('accounts', crm_only=true) }} as crm_accounts

union all

select
    cast(null as {{ dbt.type_bigint() }}) as _source_line,
    {%- for landed in ['_source_file', '_source_error', '_source_text'] %}
    cast(null as {{ dbt.type_string() }}) as {{ landed }},
    {%- endfor %}
    {%- for column in columns %}
    {{ from_customers.get(column.name, 'cast(null as ' ~ dbt.type_string() ~ ')') }} as {{ column.name }}
    {{- "," if not loop.last }}
    {%- endfor %}
from {{ ref('base_stripe__customers') }} as customers
where customers.matched_by is null
