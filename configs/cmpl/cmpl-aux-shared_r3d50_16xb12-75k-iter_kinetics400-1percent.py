# Table 3, row 2 (7.12 top-1): the auxiliary is the primary itself (the
# 3D-ResNet50, same parameters) on 16 frames, "one with a shared set of
# parameters (equivalent to FixMatch)" (Sec. 4.3.1). Table 3 runs without
# temporal location (its 3D-ResNet50x1/4 row, 12.90, is Table 2's row
# "auxiliary + frame rates"), so this is the same run as Table 2's row 2
# (also 7.12): that config under this name.
_base_ = './cmpl-fixmatch-fps_r3d50_16xb12-75k-iter_kinetics400-1percent.py'
