-- Every raw `users` row, checked against the input contract once per build
-- (contract_checked_source): dq_reason is NULL for a good row. stg_contract__users
-- keeps the good rows, audit.dq_quarantine the others, audit.dq_nulled_references
-- the optional references set to NULL.

with final as (
    select * from {{ contract_checked_source('users') }} as checked
)

select * from final
