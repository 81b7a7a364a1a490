-- One row per default the build used because the input left something out (subject):
-- what was assumed, and how much it touched. `revops build` prints these, so a user
-- learns that, say, the stages came from the deals rather than a stages table.
with stages as (
    select * from {{ ref('stg_contract__opportunity_stages') }}
),

fx_rates as (
    select * from {{ ref('stg_contract__fx_rates') }}
),

nulled_references as (
    select * from {{ ref('dq_nulled_references') }}
),

derived_stages as (
    select
        'opportunity_stages' as subject,
        {{ dbt.concat(["'no opportunity_stages table: '", "cast(count(*) as " ~ dbt.type_string() ~ ")",
                       sql_literal(" stages derived from the deals' own stage names, closed and won as the deals say")]) }}
            as default_used,
        count(*) as affected_rows
    from stages
    where is_derived_from_deals
    having count(*) > 0
),

no_rates as (
    select
        'fx_rates' as subject,
        {{ sql_literal('no fx_rates: every amount is taken to be in ' ~ checked_var('reporting_currency')
                      ~ ' (an amount in another currency is quarantined with the rate to add)') }}
            as default_used,
        0 as affected_rows
    from (select count(*) as rates from fx_rates) as counted
    where rates = 0
),

nulled as (
    select
        'references' as subject,
        {{ dbt.concat(["cast(count(*) as " ~ dbt.type_string() ~ ")",
                       "' optional references to missing rows set to NULL (audit.dq_nulled_references)'"]) }}
            as default_used,
        count(*) as affected_rows
    from nulled_references
    having count(*) > 0
),

final as (
    select * from derived_stages
    union all
    select * from no_rates
    union all
    select * from nulled
)

select * from final
