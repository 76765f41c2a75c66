/**
 * The 简体中文 UI (issue 13, item 1): a zh-CN browser starts in Chinese, finds its controls by their
 * Chinese names and is left no English on the main screen, in a conversation or in Settings; the
 * "Language" choice switches at run time (no reload), sets <html lang>, and is remembered.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures';

/**
 * Every English word of the UI: the ASCII words of the XLIFF's English sources, less the ones a
 * Chinese text keeps on purpose (the product's name, units, the bilingual "Language" label).
 */
const KEPT = new Set(['parley', 'language', 'sha', 'kb', 'mb']);
const ENGLISH = new Set(
  [...fs.readFileSync(path.join(import.meta.dirname, '..', 'web', 'xliff', 'zh-Hans.xlf'), 'utf8').matchAll(/<source>([\s\S]*?)<\/source>/g)]
    .flatMap((m) => m[1]!.replace(/<x [^>]*\/>/g, ' ').match(/[A-Za-z]{2,}/g) ?? [])
    .map((w) => w.toLowerCase())
    .filter((w) => !KEPT.has(w)),
);

/** What a reader meets on the page: visible text, accessible names and descriptions (ARIA snapshot), titles and placeholders. */
async function pageWords(page: Page): Promise<string[]> {
  const aria = await page.locator('body').ariaSnapshot();
  const dom = await page.evaluate(() => {
    const out: string[] = [];
    const walk = (root: Document | ShadowRoot | Element) => {
      for (const el of root.querySelectorAll('*')) {
        if (!el.checkVisibility()) continue;
        for (const a of ['title', 'placeholder', 'aria-label', 'alt']) if (el.getAttribute(a)) out.push(el.getAttribute(a)!);
        for (const n of el.childNodes) if (n.nodeType === Node.TEXT_NODE && n.textContent!.trim()) out.push(n.textContent!);
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    walk(document);
    out.push(document.title);
    return out.join('\n');
  });
  // ARIA snapshot keys (roles, "/url:", attributes such as [level=2]) are not words a reader sees.
  const spoken = aria.replace(/^\s*- (\/?[\w-]+)(\s*\[[^\]]*\])*:?/gm, ' ').replace(/\[(level|checked|selected|disabled|expanded|pressed)[^\]]*\]/g, ' ');
  return `${spoken}\n${dom}`.match(/[A-Za-z]{2,}/g) ?? [];
}

/** The English words of the UI found on the page, but for the usernames this test made. */
async function englishLeft(page: Page, names: readonly string[]): Promise<string[]> {
  const allowed = new Set(names.map((n) => n.toLowerCase()));
  return [...new Set((await pageWords(page)).map((w) => w.toLowerCase()).filter((w) => ENGLISH.has(w) && !allowed.has(w)))];
}

test('a zh-CN browser gets the 简体中文 UI with no English left, and "Language" switches it at run time', async ({ openUser }) => {
  const li = await openUser('lilei', { locale: 'zh-CN' });
  const bob = await openUser('bob');
  const page = li.page;
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-Hans');

  // Signing up and making a contact, by the Chinese names of the controls.
  await page.getByRole('textbox', { name: '用户名' }).fill('lilei');
  await page.getByRole('button', { name: '创建账号' }).click();
  await expect(page.getByText('已登录：lilei')).toBeVisible();
  await bob.signUp();
  await page.getByRole('textbox', { name: '添加联系人' }).fill('bob');
  await page.getByRole('button', { name: '发送请求' }).click();
  await expect(page.getByText('已向 bob 发送请求。')).toBeVisible();
  await bob.page.getByRole('listitem').filter({ hasText: 'lilei' }).getByRole('button', { name: 'Accept' }).click();
  await bob.openChat('lilei');
  await bob.send('你好，李雷');

  await expect(li.contactButton('bob')).toBeVisible();
  expect(await englishLeft(page, ['lilei', 'bob']), 'the main screen').toEqual([]);

  // The conversation: the composer by its Chinese names, a message each way with its state and day.
  await li.contactButton('bob').click();
  await expect(page.getByRole('heading', { name: 'bob' })).toBeVisible();
  await page.getByRole('textbox', { name: '消息' }).fill('你好，鲍勃');
  await page.getByRole('button', { name: '发送', exact: true }).click();
  await expect(li.message('你好，鲍勃')).toContainText('已送达');
  await expect(li.message('你好，李雷')).toBeVisible();
  await expect(li.log.getByText('今天')).toBeVisible();
  await expect(page.getByRole('button', { name: '发送文件' }).or(page.getByLabel('发送文件'))).toHaveCount(1);
  expect(await englishLeft(page, ['lilei', 'bob']), 'the conversation').toEqual([]);

  // Settings, by its Chinese name; its Language select names each language in its own.
  await page.getByRole('button', { name: '设置', exact: true }).click();
  const settings = page.getByRole('dialog', { name: '设置' });
  await expect(settings).toBeVisible();
  const language = settings.getByRole('combobox', { name: '语言 / Language' });
  await expect(language.getByRole('option')).toHaveText(['English', '简体中文']);
  await expect(language).toHaveValue('zh-Hans');
  expect(await englishLeft(page, ['lilei', 'bob']), 'Settings').toEqual([]);

  // To English at run time: the same page (no reload), every label switched, <html lang> with it.
  await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
  await language.selectOption({ label: 'English' });
  await expect(page.getByRole('dialog', { name: 'Settings' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('combobox', { name: 'Language', exact: true })).toHaveValue('en');
  await page.getByRole('dialog', { name: 'Settings' }).getByRole('button', { name: 'Close', exact: true }).click();
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Send', exact: true })).toBeVisible();
  await expect(li.message('你好，鲍勃')).toContainText('delivered');
  await expect(li.log.getByText('Today')).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);

  // Remembered in this browser over its zh-CN language: a reload stays English.
  await page.reload();
  await expect(page.getByText('Signed in as lilei')).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');

  // And back to 简体中文, again without a reload.
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await page.getByRole('combobox', { name: 'Language' }).selectOption({ label: '简体中文' });
  await expect(page.getByRole('dialog', { name: '设置' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-Hans');
  await expect(page.getByText('已登录：lilei')).toBeVisible();
});
