"""A bar chart of maturity per theme as SVG, for the PDF report (no plotting library)."""

from __future__ import annotations

from html import escape

from service.domain.report import ThemeSummary

ROW, BAR, LABEL, PLOT = 34, 12, 190, 330
PROPOSED, EFFECTIVE = "#9db4d0", "#1f5f99"


def theme_chart(themes: tuple[ThemeSummary, ...], top: int) -> str:
    """Two bars per theme, proposed and effective mean, on an axis from 0 to ``top``."""
    height = ROW * len(themes) + 40
    width = LABEL + PLOT + 50
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans" font-size="10">']
    for step in range(top + 1):
        x = LABEL + PLOT * step / top
        parts.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - 30}" '
                     'stroke="#ddd"/>')
        parts.append(f'<text x="{x:.1f}" y="{height - 18}" text-anchor="middle">{step}</text>')
    for index, theme in enumerate(themes):
        y = ROW * index + 4
        parts.append(f'<text x="{LABEL - 6}" y="{y + BAR + 3}" text-anchor="end">'
                     f'{escape(theme.theme[:34])}</text>')
        for offset, value, colour in ((0, theme.proposed_mean, PROPOSED),
                                      (BAR + 1, theme.effective_mean, EFFECTIVE)):
            if value is None:
                continue
            length = PLOT * value / top
            parts.append(f'<rect x="{LABEL}" y="{y + offset}" width="{length:.1f}" '
                         f'height="{BAR}" fill="{colour}"/>')
            parts.append(f'<text x="{LABEL + length + 4:.1f}" y="{y + offset + 10}">'
                         f'{value:.2f}</text>')
    parts.append(f'<rect x="{LABEL}" y="{height - 12}" width="10" height="8" fill="{PROPOSED}"/>'
                 f'<text x="{LABEL + 14}" y="{height - 4}">proposed</text>'
                 f'<rect x="{LABEL + 80}" y="{height - 12}" width="10" height="8" '
                 f'fill="{EFFECTIVE}"/><text x="{LABEL + 94}" y="{height - 4}">'
                 'effective (reviewed where decided)</text></svg>')
    return "".join(parts)
