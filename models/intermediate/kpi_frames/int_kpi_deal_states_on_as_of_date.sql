-- One row per opportunity that existed on the as-of date (opportunity_id): the deal as
-- the warehouse saw it that day, its state in force then (valid_from <= as-of date <
-- valid_to). A deal closed, re-dated or re-priced after the as-of date is still open
-- here; a deal created after it is absent.
with opportunity_history as (
    select * from {{ ref('fct_opportunity_history') }}
),

context as (
    select * from {{ ref('dim_reporting_context') }}
),

final as (
    select
        opportunity_history.*,
        context.as_of_date
    from opportunity_history
    cross join context
    where opportunity_history.valid_from <= context.as_of_date
        and (opportunity_history.valid_to is null or opportunity_history.valid_to > context.as_of_date)
)

select * from final
