/** The check page's list: one item per check, its verdict and a sentence in plain words. */
export type Verdict = 'ok' | 'warn' | 'fail' | 'running';

const WORDS: Record<Verdict, string> = { ok: 'OK', warn: 'Warning', fail: 'Problem', running: 'Checking…' };

export interface CheckItem {
  set(verdict: Verdict, detail: string): void;
}

export function addCheck(list: HTMLElement, name: string): CheckItem {
  const item = document.createElement('li');
  const title = document.createElement('strong');
  title.textContent = name;
  const verdict = document.createElement('span');
  verdict.className = 'verdict';
  const detail = document.createElement('p');
  detail.className = 'detail';
  item.append(title, verdict, detail);
  list.append(item);
  const set = (v: Verdict, text: string) => {
    verdict.textContent = WORDS[v];
    verdict.dataset.state = v;
    detail.textContent = text;
  };
  set('running', '');
  return { set };
}
