-- One row per reporting period x roll-up of owner/team, segment, region: the amount
-- closed-won in the period, in total and per opportunity type (one column each, so the
-- roll-up rows carry every type), with the deal counts.
{%- set period_columns = 'period_type, period_start, period_end, period_label' %}
{%- set dimensions = ['owner_user_id', 'team', 'segment', 'region'] %}
{%- set rollups = [[], ['owner_user_id', 'team'], ['team'], ['segment'], ['region'], ['segment', 'region']] %}
{%- set types = ['new_business', 'expansion', 'renewal'] %}
{%- set measures = ['bookings_total'] %}
{%- for type in types + ['other_type'] %}{% do measures.append('bookings_' ~ type) %}{% endfor %}
{%- do measures.append('won_deals_total') %}
{%- for type in types + ['other_type'] %}{% do measures.append('won_deals_' ~ type) %}{% endfor %}

with reporting_periods as (
    select * from {{ ref('int_kpi_reporting_periods') }}
),

-- Each deal as the warehouse saw it on the as-of date (see kpi_win_rate).
deal_states_on_as_of_date as (
    select * from {{ ref('int_kpi_deal_states_on_as_of_date') }}
),

won_deals as (
    select
        opportunity_id,
        {{ deal_cuts() }},
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
        {{ period_columns_of('reporting_periods') }},
        {{ columns_of('won_deals', dimensions) }},
        won_deals.booking_type,
        won_deals.amount_reporting
    from reporting_periods
    inner join won_deals
        on won_deals.close_date between reporting_periods.period_start and reporting_periods.period_end
),

rolled_up as (
    select
        {{ period_columns }},
        {{ rollup_labels(dimensions) }},
        coalesce(sum(amount_reporting), 0) as bookings_total,
        {%- for type in types + ['other_type'] %}
        coalesce(sum(case when booking_type = '{{ type }}' then amount_reporting else 0 end), 0) as bookings_{{ type }},
        {%- endfor %}
        count(*) as won_deals_total,
        {%- for type in types + ['other_type'] %}
        count(case when booking_type = '{{ type }}' then 1 end) as won_deals_{{ type }}{{ "," if not loop.last }}
        {%- endfor %}
    from won_deals_by_period
    {{ rollup_grouping_sets(period_columns, rollups) }}
),

-- A period without a won deal keeps its grand-total row, with zero bookings: no
-- ratio here, so zero is the true value.
final as (
    {{ rolled_up_with_empty_periods('rolled_up', 'reporting_periods', period_columns, dimensions, measures) }}
)

select * from final
