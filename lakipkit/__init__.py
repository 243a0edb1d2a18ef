"""lakipkit: from a satker's yearly data files to its LAKIP report."""
