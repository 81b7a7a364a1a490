-- One row per Stripe customer (not test mode) and the account it is billed as: the CRM
-- account its metadata names (var billing_account_id_metadata_key), else the one CRM
-- account sharing its email domain (var billing_match_on_email_domain), else an account
-- of its own (the customer id). Unmatched customers are kept, never dropped, and
-- audit.billing_customer_matches says why each one did or did not match.
-- A deleted customer (is_deleted, or the loader's _fivetran_deleted) is kept too, with
-- is_deleted: Stripe keeps its invoices, subscriptions and payments, which are revenue
-- that happened, so they must keep an account (Fivetran's stripe package keeps them).
{%- set metadata_key = var('billing_account_id_metadata_key', 'crm_account_id') %}
{%- do require_system_table('stripe', 'customer') %}
{%- do require_custom_columns('stripe', 'customer') %}
{#- the customer's custom fields (var stripe_field_map) and passthrough columns -#}
{%- set custom_names = ['segment', 'region', 'industry', 'country']
    + passthrough_columns('stripe', 'customer') | map(attribute='name') | list %}
with customers as (
    select
        {{ clean_text('id') }} as customer_id,
        {{ clean_text('name') }} as customer_name,
        {{ clean_text('email') }} as email,
        {{ web_domain('email') }} as email_domain,
        {{ system_timestamp('created') }} as created_at,
        {% if metadata_key -%}
        {{ clean_text(json_text('metadata', metadata_key)) }}
        {%- else -%}
        cast(null as {{ dbt.type_string() }})
        {%- endif %} as metadata_account_id,
        not {{ is_live(['is_deleted', '_fivetran_deleted']) }} as is_deleted,
        {%- for contract_column in ['segment', 'region', 'industry', 'country'] %}
        {{ mapped_field('stripe', contract_column, parse_enum if contract_column == 'segment' else clean_text) }}
            as {{ contract_column }}{{ "," if not loop.last }}
        {%- endfor %}
        {{- passthrough_selects('stripe', 'customer') }}
    from {{ system_source('stripe', 'customer', [
        'id', 'name', 'email', 'created', 'metadata', 'is_deleted', '_fivetran_deleted', 'livemode']
        + mapped_columns_of('stripe', 'customer') + passthrough_source_columns('stripe', 'customer')) }} as customer
    where coalesce({{ parse_boolean('livemode') }}, true)
),

-- the CRM's accounts, before this model adds the unmatched customers to them
crm_accounts as (
    select
        {{ clean_text('account_id') }} as account_id,
        {{ web_domain('domain') }} as domain
    from {{ contract_source('accounts', crm_only=true) }} as accounts
    where {{ clean_text('account_id') }} is not null
),

accounts_by_domain as (
    select
        domain,
        min(account_id) as account_id,
        count(*) as accounts
    from crm_accounts
    where domain is not null
    group by domain
),

matched as (
    select
        customers.customer_id,
        customers.customer_name,
        customers.email,
        customers.email_domain,
        customers.created_at,
        customers.metadata_account_id,
        customers.is_deleted,
        {%- for name in custom_names %}
        customers.{{ adapter.quote(name) }},
        {%- endfor %}
        by_id.account_id as account_id_from_metadata,
        {% if var('billing_match_on_email_domain', true) -%}
        case when by_domain.accounts = 1 then by_domain.account_id end
        {%- else -%}
        cast(null as {{ dbt.type_string() }})
        {%- endif %} as account_id_from_domain,
        coalesce(by_domain.accounts, 0) as accounts_with_domain
    from customers
    left join crm_accounts as by_id
        on by_id.account_id = customers.metadata_account_id
    left join accounts_by_domain as by_domain
        on by_domain.domain = customers.email_domain
)

select
    customer_id,
    customer_name,
    email,
    email_domain,
    created_at,
    metadata_account_id,
    is_deleted,
    {%- for name in custom_names %}
    {{ adapter.quote(name) }},
    {%- endfor %}
    coalesce(account_id_from_metadata, account_id_from_domain, customer_id) as account_id,
    case
        when account_id_from_metadata is not null then 'metadata'
        when account_id_from_domain is not null then 'email_domain'
    end as matched_by,
    case
        when account_id_from_metadata is not null or account_id_from_domain is not null then null
        when metadata_account_id is not null and email_domain is null
            then 'no CRM account with the id in metadata, and no email'
        when metadata_account_id is not null and accounts_with_domain > 1
            then 'no CRM account with the id in metadata; several share the email domain'
        when metadata_account_id is not null
            then 'no CRM account with the id in metadata or the email domain'
        {%- if var('billing_match_on_email_domain', true) %}
        when email_domain is null then 'no id in metadata and no email'
        when accounts_with_domain > 1 then 'no id in metadata; several CRM accounts share the email domain'
        else 'no id in metadata; no CRM account has the email domain'
        {%- else %}
        else 'no id in metadata'
        {%- endif %}
    end as unmatched_reason
from matched
