# Table 2, row 3 (7.68 top-1): FixMatch with CMPL's frame rates and
# temporal locations and no auxiliary network. One 3D-ResNet50 takes both
# F's 8x8 and A's 16x4 clips (t_s = 10 s apart at most) and Eq. 2-6 run
# with A = F, "a shared set of parameters (equivalent to FixMatch)" (Sec.
# 4.3.1): its weak 16x4 view teaches its strong 8x8 view and vice versa,
# and labeled clips train it at both frame rates.
_base_ = './cmpl_r3d50_16xb12-75k-iter_kinetics400-1percent.py'
model = dict(auxiliary=None, semi_train_cfg=dict(shared_auxiliary=True))
