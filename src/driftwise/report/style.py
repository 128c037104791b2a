"""The inline style sheet of the HTML report: system fonts, Okabe-Ito colours, print rules.

>>> "@media print" in CSS and "#0072B2" in CSS
True
"""

from __future__ import annotations

__all__ = ["CSS"]

CSS = """
:root{--ref:#0072B2;--cur:#E69F00;--hi:#D55E00;--ok:#009E73;--ink:#1f2328;--muted:#57606a;
--line:#d0d7de;--soft:#f6f8fa;--tint:#fff4e5}
*{box-sizing:border-box}
html{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{margin:0;color:var(--ink);background:#fff;
font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
.inner,main,footer{max-width:1160px;margin:0 auto;padding:0 28px}
.banner{background:#22303f;color:#fff;padding:22px 0 18px;border-bottom:8px solid var(--accent)}
.banner.calm{--accent:var(--ok);--on:#fff}.banner.work{--accent:var(--cur);--on:#000}
.banner.alarm{--accent:var(--hi);--on:#fff}
.kicker{margin:0;text-transform:uppercase;letter-spacing:.12em;font-size:12px;color:#c9d1d9}
.verdict{display:flex;align-items:center;gap:22px;flex-wrap:wrap;margin:6px 0 4px}
.action{background:var(--accent);color:var(--on);font-size:30px;font-weight:800;
letter-spacing:.05em;padding:2px 16px;border-radius:6px}
.conf{font-size:16px;display:flex;align-items:center;gap:10px}
.meter{display:inline-block;width:140px;height:10px;background:#ffffff33;border-radius:5px;
overflow:hidden;vertical-align:middle}
.meter>span{display:block;height:100%;background:var(--accent,var(--ref))}
.meter.wide{width:220px;margin-left:12px;background:var(--soft);border:1px solid var(--line)}
.headline{font-size:21px;font-weight:600;margin:10px 0 8px;max-width:60em}
.meta{margin:2px 0;color:#d8dee4;font-size:14px}.meta b{color:#fff}
.approvals{margin:10px 0 0;font-size:14px}
nav{position:sticky;top:0;z-index:2;background:#fff;border-bottom:1px solid var(--line);
display:flex;flex-wrap:wrap;justify-content:center;gap:4px 20px;padding:8px 28px;font-size:14px}
nav a,a{color:var(--ref)}
section{padding:18px 0 8px;border-bottom:1px solid var(--line)}
h2{font-size:19px;margin:6px 0 12px}
ol.reasons{padding-left:24px;margin:0}
ol.reasons li{margin:0 0 10px}ol.reasons p{margin:0 0 2px;font-size:16px}
.cites{font-size:13px;color:var(--muted)}
.ev{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;
background:var(--soft);border:1px solid var(--line);border-radius:4px;padding:0 5px;
margin-right:4px;text-decoration:none;white-space:nowrap}
a.ev:hover{border-color:var(--ref)}.ev.missing{color:var(--hi);border-style:dashed}
.wrap{overflow-x:auto;margin:10px 0 14px}
table{border-collapse:collapse;font-size:14px;min-width:60%}
th,td{padding:5px 10px;text-align:left;border-bottom:1px solid var(--line);vertical-align:top}
th{background:var(--soft);font-weight:600;white-space:nowrap}
table.dense{font-size:13px}td{white-space:nowrap}
td.t{white-space:normal;overflow-wrap:break-word}
td small{color:var(--muted)}
tr.chosen td{background:var(--tint);font-weight:600}
tr.affected td:first-child{box-shadow:inset 4px 0 0 var(--hi)}
:target{outline:3px solid var(--hi);outline-offset:-3px;background:var(--tint);
scroll-margin-top:56px}
.tag{font-size:11px;text-transform:uppercase;letter-spacing:.06em;background:var(--ink);
color:#fff;border-radius:3px;padding:1px 5px;margin-left:6px}
.score{display:inline-block;min-width:3.6em;font-variant-numeric:tabular-nums}
.bar{display:inline-block;width:120px;height:9px;background:var(--soft);
border:1px solid var(--line);vertical-align:middle}
.bar>span{display:block;height:100%;background:var(--ref)}
.status{font-weight:700}.status.drifted,.status.degraded{color:var(--hi)}
.verdict-tag{font-weight:800;letter-spacing:.05em;border:2px solid var(--ink);border-radius:4px;
padding:0 6px;margin-right:6px}
.verdict-tag.global{border-color:var(--hi);color:var(--hi)}
.verdict-tag.localized{border-color:var(--cur);color:#8a5a00}
.card{background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:4px 16px;
margin:8px 0}
.charts{display:flex;flex-wrap:wrap;align-items:flex-start;gap:16px;margin:10px 0}
.lead{font-size:16px;font-weight:600}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:16px}
figure.feature{margin:0;border:1px solid var(--line);border-radius:6px;padding:8px}
figcaption{font-size:13px;color:var(--muted);margin-top:4px}figcaption a{font-weight:700}
svg.chart{max-width:100%;height:auto;display:block}
.yes{color:var(--ok);font-weight:700}.no{color:var(--hi);font-weight:700}
h3{font-size:16px;margin:8px 0 6px;display:flex;flex-wrap:wrap;align-items:baseline;gap:4px 10px}
.card h3 .status{font-size:13px;text-transform:uppercase;letter-spacing:.05em}
.status.calm{color:var(--muted)}
.warn{border-left:6px solid var(--hi);background:var(--tint);border-radius:4px;padding:6px 14px;
margin:8px 0}
.warn p{margin:4px 0}.warn b{color:#8f2d00}.warn ul{margin:4px 0 6px;padding-left:22px}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:3px 16px;margin:8px 0;
font-size:14px}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0;font-variant-numeric:tabular-nums}
code.pill{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;
background:#fff;border:1px solid var(--line);border-radius:10px;padding:0 7px;margin:1px 0;
display:inline-block}
details.stats{font-size:12px;margin-top:2px}details summary{cursor:pointer;color:var(--ref)}
details.stats summary{white-space:nowrap}
details.stats ul{margin:2px 0;padding-left:16px;white-space:nowrap}
figure.wide{margin:10px 0}figure.wide details{margin-top:4px}
.stack{display:flex;flex-direction:column;gap:10px}
footer{color:var(--muted);font-size:13px;padding-top:8px;padding-bottom:24px}
@media print{nav{display:none}body{font-size:12px}.banner{padding:12px 0}
figure,.card,tr,svg,.warn{break-inside:avoid}details>*{display:block}h2{break-after:avoid}a{color:inherit;text-decoration:none}
.grid{grid-template-columns:repeat(2,1fr)}.wrap{overflow:visible}}
"""
