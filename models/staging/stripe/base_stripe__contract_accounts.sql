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
    'segment': 'customers.segment',
    'region': 'customers.region',
    'industry': 'customers.industry',
    'country': 'customers.country',
} %}
{#- beyond the contract: source_relation, the CRM's account passthroughs (NULL for a
    customer of its own), then Stripe's customer passthroughs (NULL for a CRM account) -#}
{%- set crm_extras = source_system_extra_columns('accounts', crm_only=true) | map(attribute='name') | list %}
{%- set customer_extras = passthrough_columns('stripe', 'customer') | map(attribute='name') | list %}
{%- set extras = source_system_extra_columns('accounts') | map(attribute='name') | list %}
select
    crm_accounts._source_line,
    crm_accounts._source_file,
    crm_accounts._source_error,
    crm_accounts._source_text,
    {%- for column in columns %}
    crm_accounts.{{ column.name }},
    {%- endfor %}
    {%- for name in extras %}
    {% if name == 'source_relation' and not crm_extras -%}
    {{ sql_literal(crm_source()) }}
    {%- elif name in crm_extras -%}
    crm_accounts.{{ adapter.quote(name) }}
    {%- else -%}
    cast(null as {{ dbt.type_string() }})
    {%- endif %} as {{ adapter.quote(name) }}{{ "," if not loop.last }}
    {%- endfor %}
from {{ contract_source('accounts', crm_only=true) }} as crm_accounts

union all

select
    cast(null as {{ dbt.type_bigint() }}) as _source_line,
    {%- for landed in ['_source_file', '_source_error', '_source_text'] %}
    cast(null as {{ dbt.type_string() }}) as {{ landed }},
    {%- endfor %}
    {%- for column in columns %}
    {{ from_customers.get(column.name, 'cast(null as ' ~ dbt.type_string() ~ ')') }} as {{ column.name }},
    {%- endfor %}
    {%- for name in extras %}
    {% if name == 'source_relation' -%}
    {{ source_relation_of('stripe', 'customers.customer_id') }}
    {%- elif name in customer_extras -%}
    customers.{{ adapter.quote(name) }}
    {%- else -%}
    cast(null as {{ dbt.type_string() }})
    {%- endif %} as {{ adapter.quote(name) }}{{ "," if not loop.last }}
    {%- endfor %}
from {{ ref('base_stripe__customers') }} as customers
where customers.matched_by is null
