# Written by split (vlass-jobs): keep the fields this image needs, re-indexed from 0 as CASA does.
mstransform(vis='/lustre/cal/VLASS2.1.sb1.eb1.ms', outputvis='/lustre/cache/VLASS2.1/T10t01/J005000-023000/.VLASS2.1.sb1.eb1_split.ms.tmp-node-1-abcd1234', field='3,7,9', datacolumn='all', keepflags=True, reindex=True)
