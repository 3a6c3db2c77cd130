"""The canvas's style: sizes in points, fonts, colours and the names of its rows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from ..._formats import JOURNEY_FILE_FORMATS
from ..._schema import DEFAULT_LANES
from ...terms import VISIBILITY_TERM
from ..dot import EMOTION_FILL
from ..layout import MIN_PRINT_PT as _MIN_PRINT_PT

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType



CanvasLayout = Literal["single", "side_by_side", "diff"]
_FontStyle = Literal["normal", "italic", "oblique"]

FORMATS: tuple[str, ...] = ("svg", "png", "pdf", "jpg")
#: The canvas's file suffixes and their formats (JPEG is drawn like the PNG, on white).
SUFFIXES: dict[str, str] = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".jpg": "jpg", ".jpeg": "jpg"}
JOURNEY_SUFFIXES = tuple(JOURNEY_FILE_FORMATS)
PNG_DPI = 150
JPEG_QUALITY = 92
#: The smallest text a printed canvas may have, in points: ``paper=`` scales the canvas down no
#: further than this (6 pt is the usual floor for printed captions and legends) and tiles it instead.
#: (Defined with the flow diagram's layout, whose printed pages keep the same floor.)
MIN_PRINT_PT = _MIN_PRINT_PT
#: A slide, in pixels (16:9), and the smallest text a stage slide may have on it, in pixels: about
#: 6 pt on a 13.33-inch-wide slide (body text 12.7 px, names 14 px), the usual floor for screen text,
#: where the whole canvas squeezed onto one slide has 5–7 px.
SLIDE_SIZE = (1920.0, 1080.0)
MIN_SLIDE_PX = 12.0
# A 60-touchpoint canvas is about 120 × 30 inches; at 150 dpi its pixel buffer would take 300 MB.
MAX_PNG_PIXELS = 50_000_000
FONT = "DejaVu Sans"

# Sizes in points: the figure is laid out in points, so these are also the sizes on paper.
MARGIN = 28.0
LABEL_W = 132.0
CELL_W = 150.0
CELL_MAX = 240.0
PAD_X = 8.0
PAD_Y = 8.0
ROW_MIN = 30.0
EMOTION_H = 112.0
EMOTION_PAD = 16.0
VISIBILITY_H = 36.0
LINE_SPACING = 1.3
BULLET_INDENT = 11.0
# Glyph advances ignore kerning and hinting; Agg at 150–200 dpi draws up to ~1.5% wider.
WIDTH_SLACK = 1.04
TOP_CAUSES = 3

TITLE_PT = 20.0
SUBTITLE_PT = 11.0
STAGE_PT = 11.5
NAME_PT = 10.5
BODY_PT = 9.5
SMALL_PT = 9.0
LABEL_PT = 10.0
NUMBER_PT = 11.0

INK = "#263238"
MUTED = "#607d8b"
GRID = "#d3dbe0"
STAGE_LINE = "#a9b7c0"
LABEL_FILL = "#e9eef2"
HEADER_FILL = "#34495e"
ABSENT_HEADER_FILL = "#cfd8dc"
CARD_EDGE = "#a3b1ba"
BACKSTAGE_CARD = "#f5f2f8"
GOAL_EDGE = "#1e8449"
PAIN_COLOR = "#c0392b"
OPPORTUNITY_COLOR = "#1e8449"
BAR_TRACK = "#e3e8ec"
CURVE_COLOR = "#455a64"
NEGATIVE_FILL = EMOTION_FILL[-2]
BADGE = {"added": ("mới", "#1565c0"), "changed": ("đổi", "#c87f0a"), "removed": ("bỏ", "#78909c")}

#: The title of each built-in row (see :data:`journeymap._schema.BUILTIN_LANES`), in the row header.
ROW_TITLES: dict[str, str] = {
    "name": "Điểm chạm",
    "channel": "Kênh",
    "owner": "Người phụ trách",
    "experience": "Loại trải nghiệm",
    "emotion": "Cảm xúc",
    "ces": "Mức độ dễ dàng (CES)",
    "drop_off": "Tỷ lệ rời bỏ",
    "thinks": "Khách nghĩ",
    "says": "Khách nói",
    "does": "Khách làm",
    "pain_points": "Điểm đau",
    "opportunities": "Cơ hội cải thiện",
    "metrics": "Chỉ số đo lường",
    "feedback": "Bình luận & nguyên nhân chính",
    "description": "Mô tả",
}
_ROWS: tuple[tuple[str, str], ...] = tuple((key, ROW_TITLES[key]) for key in DEFAULT_LANES)
"""The rows of a journey without ``lanes``, top to bottom (a row no touchpoint has data for is left out)."""
STAGE_DETAILS_LABEL = "Mục tiêu giai đoạn"
MOMENT_TEXT = "◆ khoảnh khắc quyết định"
EXCLUDED_TEXT = "không áp dụng cho persona này"
PERSONA_CARD_W = 330.0
AVATAR_D = 46.0
_BACKSTAGE_NAME_LABEL = "Hậu trường (khách hàng không thấy)"
VISIBILITY_LABEL = VISIBILITY_TERM  # journeymap.terms: one name for the line of visibility on every picture

# Fields compared for "đổi", in the order the changes are listed; numbers show before → after.
_CHANGE_LABELS: dict[str, str] = {
    "ces": "CES",
    "emotion": "cảm xúc",
    "drop_off": "rời bỏ",
    "pain_points": "điểm đau",
    "opportunities": "cơ hội",
    "metrics": "chỉ số",
    "experience": "loại trải nghiệm",
    "name": "tên",
    "channel": "kênh",
    "stage": "giai đoạn",
    "lane": "làn",
    "goal": "mục tiêu",
    "volume": "lượng khách",
    "starts": "lượt bắt đầu",
    "owner": "phụ trách",
    "description": "mô tả",
    "aliases": "tên gọi khác",
}

_RC: dict[RcKeyType, Any] = {
    "font.family": FONT,
    # The SVG's font-family list: "sans-serif" in a text's family expands to these, then sans-serif.
    "font.sans-serif": [FONT, "Noto Sans", "Liberation Sans", "Arial", "Helvetica"],
    "text.usetex": False,
    "svg.fonttype": "none",
    "svg.hashsalt": "journeymap-canvas",
    "pdf.fonttype": 42,
    "figure.facecolor": "white",
}
