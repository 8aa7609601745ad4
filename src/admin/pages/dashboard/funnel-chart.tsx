// The invitation funnel drawn on the server as SVG: per week four bars (created, sent, redeemed,
// expired) with a legend, named for assistive technology (role="img", <title>, <desc>); the table
// beside it carries the same numbers for screen readers and for anyone who wants them exact.
import type { InvitationFunnel } from '../../../invitations/invitation-funnel.service.ts';
import type { AdminPageContext } from '../../page-context.ts';

type Series = 'created' | 'sent' | 'redeemed' | 'expired';
const SERIES: Series[] = ['created', 'sent', 'redeemed', 'expired'];
// Colours with at least 3:1 contrast against white (WCAG 1.4.11 for graphics).
const COLOURS: Record<Series, string> = {
  created: '#2b579a',
  sent: '#0f7b6c',
  redeemed: '#7a3e9d',
  expired: '#b4441a',
};

const W = 760;
const H = 280;
const PAD = { top: 16, right: 12, bottom: 44, left: 44 };

/** A round top for the axis: 1, 2 or 5 times a power of ten, at least `max`. */
export function axisMax(max: number): number {
  if (max <= 4) return 4;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

export function weekLabel(pc: AdminPageContext, start: string): string {
  const d = new Date(`${start}T00:00:00Z`);
  return new Intl.DateTimeFormat(pc.locale === 'da' ? 'da-DK' : 'en-GB', {
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  }).format(d);
}

export function FunnelChart({ pc, funnel }: { pc: AdminPageContext; funnel: InvitationFunnel }) {
  const t = pc.t.dashboard;
  const top = axisMax(Math.max(0, ...funnel.weeks.flatMap((w) => SERIES.map((s) => w[s]))));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(funnel.weeks.length, 1);
  const bar = Math.max(2, (slot - 8) / SERIES.length);
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const ticks = [0, top / 4, top / 2, (3 * top) / 4, top];
  const { created, sent, redeemed, expired } = funnel.totals;
  return (
    <figure class="funnel-chart" tabindex={0}>
      <svg
        role="img"
        aria-labelledby="funnel-svg-title funnel-svg-desc"
        viewBox={`0 0 ${W} ${H}`}
        width="100%"
        preserveAspectRatio="xMidYMid meet"
        data-chart="invitation-funnel"
      >
        <title id="funnel-svg-title">{t.funnelTitle}</title>
        <desc id="funnel-svg-desc">{t.chartDesc(created, sent, redeemed, expired)}</desc>
        <g>
          {ticks.map((v) => (
            <g>
              <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} stroke="#d0d0d0" stroke-width="1" />
              <text x={PAD.left - 6} y={y(v) + 4} text-anchor="end" font-size="11" fill="#444">
                {Number.isInteger(v) ? String(v) : v.toFixed(1)}
              </text>
            </g>
          ))}
          {funnel.weeks.map((w, i) => {
            const x0 = PAD.left + i * slot + 4;
            return (
              <g data-week={w.start}>
                {SERIES.map((s, j) => (
                  <rect
                    x={x0 + j * bar}
                    y={y(w[s])}
                    width={Math.max(bar - 1, 1)}
                    height={Math.max(PAD.top + plotH - y(w[s]), 0)}
                    fill={COLOURS[s]}
                    data-series={s}
                    data-value={w[s]}
                  />
                ))}
                <text x={x0 + (slot - 8) / 2} y={H - PAD.bottom + 16} text-anchor="middle" font-size="11" fill="#444">
                  {weekLabel(pc, w.start)}
                </text>
              </g>
            );
          })}
          {SERIES.map((s, j) => (
            <g>
              <rect x={PAD.left + j * 150} y={H - 16} width="12" height="12" fill={COLOURS[s]} />
              <text x={PAD.left + j * 150 + 18} y={H - 6} font-size="12" fill="#222">
                {t[s]}
              </text>
            </g>
          ))}
        </g>
      </svg>
    </figure>
  );
}

export function FunnelTable({ pc, funnel }: { pc: AdminPageContext; funnel: InvitationFunnel }) {
  const t = pc.t.dashboard;
  const n = new Intl.NumberFormat(pc.locale === 'da' ? 'da-DK' : 'en-GB');
  const rate = (part: number, whole: number) => t.pct(whole > 0 ? part / whole : null);
  return (
    <div class="table-scroll" tabindex={0}>
      <table class="grid funnel-table" id="funnel-table">
        <caption>{t.tableCaption}</caption>
        <thead>
          <tr>
            <th scope="col">{t.week}</th>
            <th scope="col">{t.created}</th>
            <th scope="col">{t.sent}</th>
            <th scope="col">{t.redeemed}</th>
            <th scope="col">{t.expired}</th>
            <th scope="col">{t.sentRate}</th>
            <th scope="col">{t.redeemedRate}</th>
          </tr>
        </thead>
        <tbody>
          {funnel.weeks.map((w) => (
            <tr data-week={w.start}>
              <th scope="row">
                <time dateTime={w.start}>{weekLabel(pc, w.start)}</time>
              </th>
              <td data-col="created">{n.format(w.created)}</td>
              <td data-col="sent">{n.format(w.sent)}</td>
              <td data-col="redeemed">{n.format(w.redeemed)}</td>
              <td data-col="expired">{n.format(w.expired)}</td>
              <td data-col="sentRate">{rate(w.sent, w.created)}</td>
              <td data-col="redeemedRate">{rate(w.redeemed, w.sent)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr data-week="total">
            <th scope="row">{t.total}</th>
            <td data-col="created">{n.format(funnel.totals.created)}</td>
            <td data-col="sent">{n.format(funnel.totals.sent)}</td>
            <td data-col="redeemed">{n.format(funnel.totals.redeemed)}</td>
            <td data-col="expired">{n.format(funnel.totals.expired)}</td>
            <td data-col="sentRate">{t.pct(funnel.sentRate)}</td>
            <td data-col="redeemedRate">{t.pct(funnel.redeemedRate)}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
