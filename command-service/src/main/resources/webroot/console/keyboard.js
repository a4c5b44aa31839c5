/*
 * The shortcuts, so a staff member can work the queue without the mouse: j/k move, Enter opens, c claims,
 * Esc closes the panel, ? lists them. They stay out of the way of typing, and of a focused control's own keys.
 */
import { $ } from './dom.js';
import { claimAndOpen, closePanel, openPanel } from './panel.js';
import { moveSelection } from './queue.js';
import { state } from './state.js';

export function onKey(event) {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) {
    return;
  }
  if (!state.session || $('workspace').hidden || $('shortcuts').open) {
    return;
  }
  const target = event.target instanceof Element ? event.target : document.body;
  const typing = target.closest('input, textarea, select, [contenteditable]');
  if (event.key === 'Escape') {
    onEscape(event, typing);
    return;
  }
  if (typing) {
    return;
  }
  // the arrows move the queue only from within it: elsewhere they scroll, as the browser would
  const inQueue = target.closest('#queue');
  switch (event.key) {
    case 'j':
      moveSelection(1);
      break;
    case 'k':
      moveSelection(-1);
      break;
    case 'ArrowDown':
      if (!inQueue) {
        return;
      }
      moveSelection(1);
      break;
    case 'ArrowUp':
      if (!inQueue) {
        return;
      }
      moveSelection(-1);
      break;
    case 'Enter':
      if (target.closest('button, a, summary')) {
        return; // the focused control acts itself
      }
      if (state.selectedId !== null) {
        openPanel(state.selectedId, true);
      }
      break;
    case 'c': {
      const panelNode = target.closest('.panel');
      const panel = panelNode ? state.panels.get(Number(panelNode.dataset.taskId)) : null;
      if (panel) {
        panel.claim();
      } else if (state.selectedId !== null) {
        claimAndOpen(state.selectedId);
      }
      break;
    }
    case '?':
      $('shortcuts').showModal();
      break;
    default:
      return;
  }
  event.preventDefault();
}

function onEscape(event, typing) {
  const active = document.activeElement;
  const panelNode = active && active.closest ? active.closest('.panel') : null;
  const panel = panelNode ? state.panels.get(Number(panelNode.dataset.taskId)) : state.lastPanel;
  if (!panel) {
    return;
  }
  if (typing && typing.value) {
    // the first Esc leaves the field (keeping what was typed), the second closes the panel
    panel.root.focus();
  } else {
    closePanel(panel);
  }
  event.preventDefault();
}
