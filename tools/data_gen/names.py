"""Person-name pools shared by the NER and QA generators, plus a train/dev holdout.

Names come from many languages so a model cannot key on one naming style. The
holdout keeps a fixed slice of every pool out of train, which is how dev gets
entity strings the model has never seen.
"""

FEMALE = """
Anna Maria Sofia Elena Laura Clara Julia Marta Ingrid Astrid Freya Hanna
Emily Olivia Grace Chloe Lucy Alice Ruth Helen Margaret Susan Karen Nancy
Aisha Fatima Leila Yasmin Nadia Amira Zainab Samira Priya Ananya Kavya Meera
Sunita Lakshmi Mei Ling Yuki Akiko Haruka Soo-ah Ji-woo Linh Thu Mai
Chiamaka Ngozi Amara Zola Thandiwe Wanjiru Adaeze Imani Abena Nia
Isabel Lucia Carmen Valentina Camila Gabriela Paula Beatriz Rosa Ines
Olga Irina Natalia Katarzyna Agnieszka Zuzana Petra Milena Jelena Daria
Sarah Rachel Miriam Noa Tamar Ayelet Niamh Siobhan Eilidh Catrin Mari Aino
""".split()

MALE = """
Thomas Peter Michael Stefan Lukas Jonas Erik Lars Henrik Nils Anders Mats
James William Henry George Edward Daniel Samuel Robert David Richard Mark
Omar Hassan Tariq Karim Yusuf Khalid Bilal Rashid Arjun Rohan Vikram Sanjay
Rahul Anil Deepak Wei Jian Hiroshi Kenji Takeshi Min-jun Seo-jun Duc Quang
Chinedu Emeka Kwame Kofi Tendai Sipho Jabari Oluwaseun Bongani Tunde
Carlos Diego Javier Mateo Pablo Rafael Joao Luis Andres Tiago
Ivan Dmitri Sergei Piotr Tomasz Jan Marek Dusan Milos Bogdan
Noah Eitan Yosef Ariel Cian Declan Ruairi Iwan Gethin Mikko Juhani
""".split()

SURNAMES = """
Muller Schmidt Fischer Weber Becker Hoffmann Wagner Keller Brandt Vogel
Johansson Lindqvist Nilsson Berg Halvorsen Dahl Nygaard Virtanen Korhonen
Smith Johnson Brown Taylor Walker Wright Clarke Turner Hughes Palmer Fletcher
Harrington Whitaker Ashworth Pemberton Caldwell Merriman Thornton Blackwood
Rossi Bianchi Ferrari Romano Esposito Colombo Ricci Marino Greco Conti
Garcia Martinez Lopez Hernandez Moreno Navarro Ortega Castillo Vargas Mendoza
Silva Santos Oliveira Pereira Costa Almeida Carvalho Ribeiro Moreira Teixeira
Dubois Laurent Moreau Lefebvre Girard Bonnet Rousseau Fontaine Chevalier Marchand
Novak Horvat Kowalski Nowak Wisniewski Dvorak Petrov Ivanov Sokolov Volkov
Kovacs Nagy Toth Popescu Ionescu Georgiou Papadopoulos Demir Yilmaz Kaya
Haddad Khoury Mansour Nasser Farouk Rahman Chowdhury Siddiqui Qureshi Malik
Sharma Patel Gupta Iyer Reddy Nair Menon Banerjee Kapoor Desai
Wang Chen Liu Zhang Huang Zhou Tanaka Sato Nakamura Kobayashi Yamamoto
Kim Park Choi Jung Nguyen Tran Pham Hoang Santoso Wijaya
Okafor Adeyemi Mensah Owusu Banda Mwangi Otieno Dlamini Nkosi Kamau
Cohen Levi Mizrahi Friedman Brennan Murphy Kelly Byrne Gallagher Campbell
Jones Evans Morgan Llewellyn Macleod Fraser Sinclair Lindgren Eriksen Olsen
""".split()


def holdout(items: list[str], every: int = 4) -> tuple[list[str], list[str]]:
    """Split a pool into (train, dev_only): every ``every``-th item is dev-only."""
    train = [x for i, x in enumerate(items) if i % every != every - 1]
    dev_only = [x for i, x in enumerate(items) if i % every == every - 1]
    return train, dev_only
