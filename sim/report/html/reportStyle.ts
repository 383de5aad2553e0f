/** The page's stylesheet: light, readable, print-friendly. */
export const REPORT_STYLE = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; padding: 20px 28px 32px; background: #f4f5f7; color: #111827; }
header h1 { font-size: 22px; margin: 0 0 2px; }
.sub { margin: 0 0 14px; color: #4b5563; }
.verdict { background: #ecfdf5; border: 1px solid #a7f3d0; border-radius: 8px; padding: 10px 14px; margin: 0 0 14px; font-weight: 600; }
.card { background: #fff; border: 1px solid #e5e7eb; border-radius: 10px; padding: 12px 16px 14px; box-shadow: 0 1px 2px rgba(0,0,0,0.04); margin-bottom: 16px; overflow-x: auto; }
.card h2 { font-size: 15px; margin: 0 0 4px; }
.hint { margin: 0 0 8px; color: #6b7280; font-size: 12.5px; }
.grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 16px; }
.grid .card { margin-bottom: 0; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; font-size: 12.5px; }
th, td { padding: 4px 7px; text-align: right; border-bottom: 1px solid #f0f1f3; white-space: nowrap; }
th { color: #374151; font-weight: 600; border-bottom: 1px solid #d1d5db; }
th:first-child, td:first-child { text-align: left; }
tr.recommended td { background: #ecfdf5; font-weight: 600; }
tr.misses td { color: #9ca3af; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
select { font: inherit; }
footer { margin-top: 18px; color: #9ca3af; font-size: 12px; }
.u-legend { font-size: 12px; }
@media (max-width: 1100px) { .grid { grid-template-columns: 1fr; } }
`;
