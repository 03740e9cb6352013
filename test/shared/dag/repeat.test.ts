/** `#each` blocks in DAG templates: one copy of the block per list item, and bad lists named. */
import { describe, expect, it } from 'vitest';
import { expandRepeats } from '../../../shared/dag/repeat.js';

const lists: Record<string, unknown> = {
  spws: [2, 3],
  'plan.images': [{ phaseCenter: 'J000100-023000' }, { phaseCenter: 'J235900-023000' }],
  'capo:spws': '9, 10',
  empty: [],
  notAList: 'x',
  evil: ['a;b'],
};
const lookup = (e: string) => lists[e];

describe('expandRepeats', () => {
  it('repeats the block once per item, in order, and leaves other lines alone', () => {
    const text = 'JOB fetch f.sub\n#each spw in {{spws}}\nJOB casa_spw{{spw}} casa.sub\nVARS casa_spw{{spw}} spw="{{spw}}"\n#end\nJOB qa qa.sub {{other}}\n';
    const out = expandRepeats(text, 'x.dag', lookup);
    expect(out.text).toBe('JOB fetch f.sub\nJOB casa_spw2 casa.sub\nVARS casa_spw2 spw="2"\nJOB casa_spw3 casa.sub\nVARS casa_spw3 spw="3"\nJOB qa qa.sub {{other}}\n');
    expect(out.lists).toEqual(['spws']);
  });

  it("names an object item's fields, and reads comma-separated CAPO lists", () => {
    expect(expandRepeats('#each image in {{plan.images}}\nJOB split_{{image.phaseCenter}} s.sub\n#end', 'x.dag', lookup).text).toBe('JOB split_J000100-023000 s.sub\nJOB split_J235900-023000 s.sub');
    expect(expandRepeats('#each spw in {{capo:spws}}\nJOB c{{spw}} s.sub\n#end', 'x.dag', lookup).text).toBe('JOB c9 s.sub\nJOB c10 s.sub');
  });

  it.each([
    ['a block without #end', '#each spw in {{spws}}\nJOB a{{spw}} s.sub', /x\.dag:1: #each spw has no #end/],
    ['a nested block', '#each spw in {{spws}}\n#each s in {{spws}}\n#end\n#end', /do not nest/],
    ['#end alone', 'JOB a s.sub\n#end', /x\.dag:2: #end without #each/],
    ['a malformed #each', '#each spw of spws', /write "#each NAME in \{\{LIST\}\}"/],
    ['a list that is not there', '#each s in {{nothing}}\n#end', /no such parameter or CAPO key/],
    ['a value that is not a list', '#each s in {{notAList}}\n#end', /not a list/],
    ['an empty list', '#each s in {{empty}}\n#end', /the list is empty/],
    ['an item that cannot name a node', '#each s in {{evil}}\nJOB a{{s}} s.sub\n#end', /evil\[0\]: "a;b" cannot name a node/],
    ['a field an item does not have', '#each i in {{plan.images}}\nJOB a{{i.tile}} s.sub\n#end', /has no field "tile"/],
    ['an object used whole', '#each i in {{plan.images}}\nJOB a{{i}} s.sub\n#end', /is an object; name one of its fields \(\{\{i\.phaseCenter\}\}\)/],
  ])('refuses %s with the file and line', (_, text, message) => {
    expect(() => expandRepeats(text, 'x.dag', lookup)).toThrow(message);
  });
});
