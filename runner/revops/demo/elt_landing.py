"""The demo company (a folder in the input contract, as `revops demo` writes it)
reshaped into Salesforce and Stripe tables as Fivetran lands them, in a DuckDB file:
schemas `salesforce` and `stripe`, and `raw` for the contract tables neither system
covers. `revops demo --elt-landing FILE` writes it, to try (and benchmark, and test)
the source-system path on a company whose numbers are known:

    revops demo --out /tmp/demo --elt-landing /tmp/fivetran.duckdb
    revops build --raw-database /tmp/fivetran.duckdb --crm-source salesforce --billing-source stripe

It is the adapters' mapping run backwards. Two things do not survive the trip, as in
real life: Stripe keeps one priced period per subscription (its latest), and
Salesforce has no region or target-account field.
"""

from __future__ import annotations

from pathlib import Path

# Stripe amounts are in the currency's smallest unit: hundredths for the demo's currencies.
MINOR = 100

SALESFORCE = {
    "user": """
        select user_id as id, user_name as name, email, title, team as department,
               manager_user_id as manager_id, hired_at as created_date, is_active, false as is_deleted
        from c.users""",
    "account": """
        select account_id as id, account_name as name, created_at as created_date,
               parent_account_id as parent_id, industry, country as billing_country,
               owner_user_id as owner_id, segment as segment__c,
               lower(regexp_replace(account_name, '[^A-Za-z0-9]', '', 'g')) || '.com' as website,
               false as is_deleted
        from c.accounts""",
    "lead": """
        select lead_id as id, created_at as created_date, source as lead_source, status,
               converted_at is not null as is_converted, converted_at as converted_date,
               converted_account_id, converted_opportunity_id, false as is_deleted
        from c.leads""",
    "opportunity_stage": """
        select stage_name as api_name, stage_name as master_label, stage_order as sort_order,
               is_closed, is_won, default_probability
        from c.opportunity_stages""",
    "opportunity": """
        select opportunity_id as id, account_id, created_at as created_date, stage_name, amount,
               currency as currency_iso_code, close_date, owner_user_id as owner_id,
               opportunity_name as name,
               case opportunity_type when 'new_business' then 'New Business'
                   when 'expansion' then 'Existing Customer - Upgrade' when 'renewal' then 'Renewal' end as type,
               source as lead_source,
               case forecast_category when 'best_case' then 'Best Case' when 'commit' then 'Commit'
                   when 'pipeline' then 'Pipeline' when 'closed' then 'Closed' when 'omitted' then 'Omitted'
               end as forecast_category_name,
               probability, lost_reason as loss_reason__c, is_closed, is_won, false as is_deleted
        from c.opportunities""",
    "opportunity_history": """
        select 'OH' || row_number() over (order by opportunity_id, changed_at) as id, opportunity_id,
               changed_at as created_date, stage_name, amount, close_date,
               case forecast_category when 'best_case' then 'BestCase' when 'commit' then 'Commit'
                   when 'pipeline' then 'Pipeline' when 'closed' then 'Closed' when 'omitted' then 'Omitted'
               end as forecast_category,
               false as is_deleted
        from c.opportunity_history""",
    "task": """
        select activity_id as id, account_id, user_id as owner_id, occurred_at as completed_date_time,
               activity_type as task_subtype, true as is_closed, false as is_deleted
        from c.activities""",
}

STRIPE = {
    "customer": f"""
        select 'cus_' || account_id as id, account_name as name,
               'billing@' || lower(regexp_replace(account_name, '[^A-Za-z0-9]', '', 'g')) || '.com' as email,
               created_at as created, '{{"crm_account_id": "' || account_id || '"}}' as metadata,
               false as is_deleted, true as livemode
        from c.accounts
        where account_id in (select account_id from c.subscriptions union select account_id from c.invoices)""",
    # one row per subscription: its first start, its last period (the current price)
    "subscription": """
        with periods as (
            select *, row_number() over (partition by subscription_id order by period_start desc) as latest_first,
                   min(period_start) over (partition by subscription_id) as started
            from c.subscriptions
        )
        select subscription_id as id, 'cus_' || account_id as customer_id,
               case when period_end is null then 'active' else 'canceled' end as status,
               started as created, started as start_date, period_end as ended_at, period_end as canceled_at,
               case cancel_reason when 'involuntary' then 'payment_failed'
                   when 'voluntary' then 'cancellation_requested' end as cancellation_details_reason,
               true as livemode
        from periods where latest_first = 1""",
    "subscription_item": """
        select 'si_' || subscription_id as id, subscription_id, 'price_' || subscription_id as price_id, 1 as quantity
        from c.subscriptions
        qualify row_number() over (partition by subscription_id order by period_start desc) = 1""",
    "price": f"""
        select 'price_' || subscription_id as id, cast(round(amount * {MINOR}) as bigint) as unit_amount,
               lower(currency) as currency,
               case billing_interval when 'year' then 'year' else 'month' end as recurring_interval,
               case billing_interval when 'quarter' then 3 else 1 end as recurring_interval_count
        from c.subscriptions
        qualify row_number() over (partition by subscription_id order by period_start desc) = 1""",
    "invoice": f"""
        select invoice_id as id, 'cus_' || account_id as customer_id, subscription_id, status,
               issued_at as created, issued_at as status_transitions_finalized_at, due_at as due_date,
               cast(round(total * {MINOR}) as bigint) as total, cast(round(coalesce(tax, 0) * {MINOR}) as bigint) as tax,
               lower(currency) as currency, paid_at as status_transitions_paid_at,
               voided_at as status_transitions_voided_at, false as is_deleted, true as livemode
        from c.invoices""",
    "charge": f"""
        select payment_id as id, invoice_id, cast(round(amount * {MINOR}) as bigint) as amount,
               lower(currency) as currency, status, failure_reason as failure_code,
               attempted_at as created, true as livemode
        from c.payments where status in ('succeeded', 'failed')""",
    # a contract refund names its invoice, not the charge: the invoice's first succeeded charge
    "refund": f"""
        select refunds.payment_id as id,
               (select min(charges.payment_id) from c.payments as charges
                where charges.invoice_id = refunds.invoice_id and charges.status = 'succeeded') as charge_id,
               cast(round(refunds.amount * {MINOR}) as bigint) as amount, lower(refunds.currency) as currency,
               'succeeded' as status, refunds.attempted_at as created
        from c.payments as refunds where refunds.status = 'refunded'""",
}

# the contract tables neither system covers
CONTRACT_ONLY = ["forecasts", "quotas", "expenses", "lead_sources", "fx_rates", "product_usage"]


def land_demo_as_elt(data_dir: Path, database: Path) -> int:
    """Write the landing file from a folder of contract CSVs; return the rows landed."""
    import duckdb

    database.unlink(missing_ok=True)
    connection = duckdb.connect(str(database))
    try:
        connection.execute("create schema c")  # the contract files, typed as DuckDB reads them
        for path in sorted(data_dir.glob("*.csv")):
            connection.execute(f'create table c."{path.stem}" as select * from read_csv(?, header = true)',
                               [str(path)])
        rows = 0
        for schema, tables in (("salesforce", SALESFORCE), ("stripe", STRIPE)):
            connection.execute(f"create schema {schema}")
            for table, query in tables.items():
                connection.execute(f'create table {schema}."{table}" as {query}')
                rows += connection.execute(f'select count(*) from {schema}."{table}"').fetchall()[0][0]
        connection.execute("create schema raw")
        for table in CONTRACT_ONLY:
            connection.execute(f'create table raw."{table}" as select * from c."{table}"')
            rows += connection.execute(f'select count(*) from raw."{table}"').fetchall()[0][0]
        connection.execute("drop schema c cascade")
    finally:
        connection.close()
    return rows

