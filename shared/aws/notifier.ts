/** Operator notifications (loss limit hit, daily summary): SNS on AWS (fauxqs locally), or in memory. */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';

export interface Notification {
  subject: string;
  message: string;
}

export interface Notifier {
  notify(n: Notification): Promise<void>;
}

export class SnsNotifier implements Notifier {
  constructor(private readonly sns: SNSClient, private readonly topicArn: string) {}
  async notify(n: Notification): Promise<void> {
    // SNS subjects: ≤ 100 printable ASCII characters, no line breaks.
    const subject = n.subject.replace(/[^\x20-\x7e]/g, ' ').slice(0, 100);
    await this.sns.send(new PublishCommand({ TopicArn: this.topicArn, Subject: subject, Message: n.message }));
  }
}

export class MemoryNotifier implements Notifier {
  readonly sent: Notification[] = [];
  async notify(n: Notification): Promise<void> {
    this.sent.push(n);
  }
}
