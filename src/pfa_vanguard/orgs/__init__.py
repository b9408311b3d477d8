"""Organizations: created explicitly by an operator (`pfa orgs add`), listed, given windows."""
