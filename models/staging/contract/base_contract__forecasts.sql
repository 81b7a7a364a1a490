-- Every raw `forecasts` row, checked against the input contract once per build
-- (contract_checked_source): dq_reason is NULL for a good row. stg_contract__forecasts
-- keeps the good rows, audit.dq_quarantine the others, audit.dq_nulled_references
-- the optional references set to NULL.
-- the checks read these (references, currency codes, exchange rates):
-- depends_on: {{ ref('stg_contract__fx_rates') }}
-- depends_on: {{ ref('stg_contract__users') }}
-- depends_on: {{ ref('currencies') }}

with final as (
    select * from {{ contract_checked_source('forecasts') }} as checked
)

select * from final
