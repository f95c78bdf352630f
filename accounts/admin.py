# The Django admin is not mounted: it would bypass the tenant scope. Staff pages do the work.
