"""xephang: đánh giá, xếp hạng mức độ ứng dụng CNTT / chuyển đổi số của cơ quan nhà nước.

The core (framework, scoring, ranking, io, analysis, documents, with ``pipeline`` reading a whole
period in one call) knows nothing of the web; the command line (`xephang.cli`) and the web
application are thin shells around it. Data flows one way:
framework + inputs -> scores -> levels and ranks -> documents and pages.
"""

__version__ = "0.1.0"
