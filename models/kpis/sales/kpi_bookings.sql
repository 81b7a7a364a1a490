-- One row per reporting period x roll-up of owner/team, segment, region: the amount
-- closed-won in the period, in total and per opportunity type (one column each, so the
-- roll-up rows carry every type), with the deal counts.
{%- set period_columns = 'period_type, period_start, period_end, period_label' %}
{%- set types = ['new_business', 'expansion', 'renewal'] %}

with periods as (
    select * from {{ ref('dim_periods') }}
),

context as (
    select * from {{ ref('dim_reporting_context') }}
),

opportunity_history as (
    select * from {{ ref('fct_opportunity_history') }}
),

reporting_periods as (
    select
        period_type,
        period_start,
        period_end,
        period_label
    from periods
    where is_reporting_period
),

-- Each deal as the warehouse saw it on the as-of date (see kpi_win_rate).
deal_states_on_as_of_date as (
    select
        opportunity_history.*,
        context.as_of_date
    from opportunity_history
    cross join context
    where opportunity_history.valid_from <= context.as_of_date
        and (opportunity_history.valid_to is null or opportunity_history.valid_to > context.as_of_date)
),

won_deals as (
    select
        opportunity_id,
        coalesce(owner_user_id, 'unknown') as owner_user_id,
        coalesce(owner_team, 'unknown') as team,
        coalesce(segment, 'unknown') as segment,
        coalesce(region, 'unknown') as region,
        -- a deal without a known type stays in the total, under other_type
        case
            when opportunity_type in ({% for type in types %}'{{ type }}'{{ ", " if not loop.last }}{% endfor %})
                then opportunity_type
            else 'other_type'
        end as booking_type,
        close_date,
        amount_reporting
    from deal_states_on_as_of_date
    where is_won
        and not is_excluded
        and close_date <= as_of_date
),

won_deals_by_period as (
    select
        reporting_periods.*,
        won_deals.owner_user_id,
        won_deals.team,
        won_deals.segment,
        won_deals.region,
        won_deals.booking_type,
        won_deals.amount_reporting
    from reporting_periods
    inner join won_deals
        on won_deals.close_date between reporting_periods.period_start and reporting_periods.period_end
),

rolled_up as (
    select
        {{ period_columns }},
        coalesce(owner_user_id, {{ rollup_label() }}) as owner_user_id,
        coalesce(team, {{ rollup_label() }}) as team,
        coalesce(segment, {{ rollup_label() }}) as segment,
        coalesce(region, {{ rollup_label() }}) as region,
        coalesce(sum(amount_reporting), 0) as bookings_total,
        {%- for type in types + ['other_type'] %}
        coalesce(sum(case when booking_type = '{{ type }}' then amount_reporting else 0 end), 0) as bookings_{{ type }},
        {%- endfor %}
        count(*) as won_deals_total,
        {%- for type in types + ['other_type'] %}
        count(case when booking_type = '{{ type }}' then 1 end) as won_deals_{{ type }}{{ "," if not loop.last }}
        {%- endfor %}
    from won_deals_by_period
    group by grouping sets (
        ({{ period_columns }}),
        ({{ period_columns }}, owner_user_id, team),
        ({{ period_columns }}, team),
        ({{ period_columns }}, segment),
        ({{ period_columns }}, region),
        ({{ period_columns }}, segment, region)
    )
),

-- A period without a won deal keeps its grand-total row, with zero bookings: no
-- ratio here, so zero is the true value.
empty_periods as (
    select
        {{ period_columns }},
        {{ rollup_label() }} as owner_user_id,
        {{ rollup_label() }} as team,
        {{ rollup_label() }} as segment,
        {{ rollup_label() }} as region,
        0 as bookings_total,
        {%- for type in types + ['other_type'] %}
        0 as bookings_{{ type }},
        {%- endfor %}
        0 as won_deals_total,
        {%- for type in types + ['other_type'] %}
        0 as won_deals_{{ type }}{{ "," if not loop.last }}
        {%- endfor %}
    from reporting_periods
    where not exists (
        select 1
        from rolled_up
        where rolled_up.period_type = reporting_periods.period_type
            and rolled_up.period_start = reporting_periods.period_start
    )
),

final as (
    select * from rolled_up
    union all
    select * from empty_periods
)

select * from final
