# mmsemi_action: install, demo and test in a local virtual environment.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed
DATA := data/synthetic-coarse

.PHONY: install demo test benchmark clean

install: $(STAMP)

# torch/torchvision come from the machine's local wheels; openmim is
# installed without its pins (setuptools 60, old requests/rich/tqdm through
# opendatalab) so that torch, mmengine and pkg_resources keep working.
$(STAMP): setup.py requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q 'torch==2.14.1' 'torchvision==0.29.1'
	$(PIP) install -q -r requirements.txt 'mmcv-lite>=2.1.0,<2.2.0'
	$(PIP) install -q --no-deps 'openmim==0.3.9'
	$(PIP) install -q click colorama model-index pandas requests rich tabulate
	$(PIP) install -q pytest scikit-learn
	$(PIP) install -q --no-deps -e .
	$(PY) -c "import mmsemi_action, mmaction.models, mim, torch; print('installed: torch', torch.__version__)"
	touch $(STAMP)

demo: install
	PATH=$(CURDIR)/$(VENV)/bin:$$PATH bash tools/demo.sh

test: install
	$(PY) -m pytest -q tests

benchmark: install
	PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(PY) tools/benchmark/semi_benchmark.py --out work_dirs/benchmark

clean:
	rm -rf $(VENV) work_dirs
