"""Install mmsemi_action, the semi-supervised extension of MMAction2."""
import importlib.util

from setuptools import find_packages, setup


def parse_requirements(path='requirements.txt'):
    with open(path) as f:
        reqs = [line.split('#')[0].strip() for line in f]
    reqs = [r for r in reqs if r]
    # A user's full ``mmcv`` build keeps working; only when no mmcv is
    # installed do we ask for the pure-Python ``mmcv-lite`` wheel.
    if importlib.util.find_spec('mmcv') is None:
        reqs.append('mmcv-lite>=2.1.0,<2.2.0')
    return reqs


setup(
    name='mmsemi_action',
    version='0.1.0',
    description='Semi-supervised action recognition for MMAction2',
    long_description=open('README.md').read(),
    long_description_content_type='text/markdown',
    packages=find_packages(include=['mmsemi_action', 'mmsemi_action.*']),
    python_requires='>=3.8',
    install_requires=parse_requirements(),
    extras_require=dict(tests=['pytest', 'scikit-learn', 'tslearn']),
    license='Apache License 2.0',
    zip_safe=False,
)
