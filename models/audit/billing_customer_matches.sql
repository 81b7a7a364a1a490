{{ config(enabled=var('billing_source', 'contract') != 'contract') }}
-- One row per billing-system customer and the account it is billed as: matched to a
-- CRM account (how), or an account of its own (and why). `revops build` prints the
-- unmatched count; query this table to fix them at the source (put the CRM account id
-- in the customer's metadata).
select
    customer_id,
    customer_name,
    email,
    email_domain,
    metadata_account_id,
    is_deleted,
    account_id,
    matched_by,
    matched_by is not null as is_matched,
    unmatched_reason
from {{ ref('base_' ~ var('billing_source', 'contract') ~ '__customers') }}
