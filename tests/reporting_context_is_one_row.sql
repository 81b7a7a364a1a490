-- dim_reporting_context's primary key is the table itself: exactly one row, the as-of
-- date every KPI reads. Fails (with the row count) on none or several.
with context as (
    select * from {{ ref('dim_reporting_context') }}
),

final as (
    select count(*) as context_rows
    from context
    having count(*) <> 1
)

select * from final
