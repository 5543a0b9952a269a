"""The wait-list feature (docs/features.md): holds on a picked time, the wait list, its offers
of freed times and their claims."""
