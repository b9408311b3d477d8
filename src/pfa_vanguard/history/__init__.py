"""Every field-level change of a record: found by syncs (PEMS's own changes) or made by commits
(who, PEMS's answer); read per record or per organization ("changes since ...")."""
