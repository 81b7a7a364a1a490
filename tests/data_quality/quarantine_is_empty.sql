-- A warning, not a failure: rows that broke the contract and were kept out of the
-- conformed tables. `select * from audit.dq_quarantine` shows each with its reason.
{{ config(severity='warn') }}

select table_name, reason, count(*) as quarantined_rows
from {{ ref('dq_quarantine') }}
group by table_name, reason
