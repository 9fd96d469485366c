"""Running the workflow: the stage functions the rules call, the checks of a whole batch before any job, the lock and
the results folder's ownership, whole-genome shards, and the command-line glue of the cohort and resources commands."""
