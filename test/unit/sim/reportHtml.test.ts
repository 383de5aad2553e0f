import { describe, expect, it } from 'vitest';
import { renderReportHtml } from '../../../sim/report/html/renderReportHtml.js';
import { simulateScenario } from '../../../sim/run/simulateScenario.js';
import { parseScenario } from '../../../sim/scenario/loadScenario.js';

const report = simulateScenario(
  parseScenario(
    {
      config: { max_model_len: 512, max_num_seqs: 2, max_num_batched_tokens: 128 },
      workload: { num_requests: 20, seed: 1, arrival: { process: 'poisson', rate: 5 }, prompt_len: { dist: 'uniform', min: 10, max: 300 }, output_len: { dist: 'fixed', value: 8 } },
    },
    'html-test',
  ),
  '.',
);

describe('having a report rendered as HTML', () => {
  const html = renderReportHtml({ title: 't', subtitle: 'a </script><b> subtitle', runs: [{ label: 'x </script>', group: 'g', report }], verdict: 'v' });

  it('should load nothing from the network: no src or href attributes at all', () => {
    expect(html).not.toMatch(/\ssrc\s*=/i);
    expect(html).not.toMatch(/\shref\s*=/i);
    expect(html).toContain('uPlot');
  });

  it('should embed the report data so that it parses back, even when labels hold </script>', () => {
    const match = /<script id="report-data" type="application\/json">([\s\S]*?)<\/script>/.exec(html);
    expect(match).not.toBeNull();
    const data = JSON.parse(match![1]!) as { runs: { label: string; report: typeof report }[] };
    expect(data.runs[0]!.label).toBe('x </script>');
    expect(data.runs[0]!.report.itl_s).toEqual(report.itl_s);
  });

  it('should escape text placed in the markup', () => {
    expect(html).toContain('a &lt;/script&gt;&lt;b&gt; subtitle');
  });
});
