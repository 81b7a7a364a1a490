-- Every raw `opportunity_history` row, checked against the input contract once per build
-- (contract_checked_source): dq_reason is NULL for a good row. stg_contract__opportunity_history
-- keeps the good rows, audit.dq_quarantine the others, audit.dq_nulled_references
-- the optional references set to NULL.
-- the checks read these (references, currency codes, exchange rates):
-- depends_on: {{ ref('stg_contract__opportunities') }}

with final as (
    select * from {{ contract_checked_source('opportunity_history') }} as checked
)

select * from final
