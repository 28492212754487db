"""Research tools over the engines: figures written to files and parameter sweeps on Dask."""
